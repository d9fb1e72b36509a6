import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT_DIR } from '../../server/paths';

// Runs in a child process: this test process has loaded ltijs already (other tests launch).
const PROBE = `
const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'));
(async () => {
  const { openStore } = require('./server/boot');
  const { createLogger } = require('./server/logger');
  const { loadEnv } = require('./server/env');
  const env = loadEnv({ NODE_ENV: 'production', SECRET_KEY: 'lazy-ltijs-test-secret-0123456789abcdef', PUBLIC_URL: 'https://silta.example.fi', DATABASE_URL: process.env.PROBE_DATABASE_URL });
  const { registry } = await openStore(env, createLogger('silent'));
  const atStart = { ltijs: loaded('ltijs'), mongoose: loaded('mongoose'), redis: loaded('redis'), umzug: loaded('umzug') };
  const platforms = await registry.list();
  console.log(JSON.stringify({ atStart, afterUse: { ltijs: loaded('ltijs'), mongoose: loaded('mongoose/lib'), mongodb: loaded('mongodb') }, platforms: platforms.length }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('Start-up loads only what runs', function () {
  this.timeout(240_000);

  it('opens the store without loading ltijs, mongoose or Redis; ltijs loads on first use, without mongoose; umzug only to migrate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-lazy-'));
    const start = async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', '-e', PROBE], {
        cwd: ROOT_DIR,
        env: { ...process.env, PROBE_DATABASE_URL: `sqlite:${path.join(dir, 'silta.sqlite')}` },
        timeout: 110_000,
      });
      return JSON.parse(stdout.trim().split('\n').pop()!) as {
        atStart: Record<string, boolean>;
        afterUse: Record<string, boolean>;
        platforms: number;
      };
    };
    const first = await start();
    assert.deepEqual(first.atStart, { ltijs: false, mongoose: false, redis: false, umzug: true }, 'a new database');
    // ltijs's default MongoDB store is never used: it loads without mongoose (decision 0030).
    assert.deepEqual(first.afterUse, { ltijs: true, mongoose: false, mongodb: false });
    assert.equal(first.platforms, 0);
    // A restart with every migration applied reads the migrations table and leaves umzug unloaded.
    const restart = await start();
    assert.deepEqual(restart.atStart, { ltijs: false, mongoose: false, redis: false, umzug: false }, 'a restart');
  });
});
