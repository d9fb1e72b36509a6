import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `silta …` as the bin entry does (here from the TypeScript source, through tsx). */
function silta(args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-cli-'));
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${path.join(dir, 'silta.sqlite')}`,
    PUBLIC_URL: 'https://silta.example.fi',
    LOG_LEVEL: 'warn',
  };
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/silta.ts', ...args], {
    env,
    encoding: 'utf8',
    timeout: 110_000,
  });
}

describe('the silta command', function () {
  this.timeout(120_000);
  it('runs a tool by its subcommand', () => {
    const run = silta(['platform', 'list']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /No platforms registered/);
  });

  it('explains itself for an unknown command and fails', () => {
    const run = silta(['frobnicate']);
    assert.equal(run.status, 2);
    assert.match(run.stdout, /silta admin create/);
  });

  it('is the package’s bin, from dist/', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.silta, 'dist/scripts/silta.js');
  });
});
