import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequelize } from 'sequelize';

const ROOT = path.resolve(__dirname, '../..');

type Run = { code: number; stdout: string; stderr: string[] };

/**
 * Runs the platform CLI in a child process as `npm run platform:*` does (tsx), on its own SQLite
 * file. Node loads tsx itself rather than through npx, which halves the start-up time.
 */
function cli(databaseFile: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/platform.ts', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: `sqlite:${databaseFile}`,
          PUBLIC_URL: 'https://silta.example.fi',
          LOG_LEVEL: 'warn',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.split('\n').filter((line) => line.trim()) });
      },
    );
  });
}

const moodle = 'https://moodle.example.fi';
const addFlags = (clientId: string, ...extra: string[]) => [
  'add',
  '--issuer',
  moodle,
  '--client-id',
  clientId,
  '--auth-url',
  `${moodle}/mod/lti/auth.php`,
  '--token-url',
  `${moodle}/mod/lti/token.php`,
  '--jwks-url',
  `${moodle}/mod/lti/certs.php`,
  ...extra,
];

describe('platform CLI (scripts/platform.ts)', function () {
  // Each run starts a process and opens the store; adding a platform makes a 4096-bit RSA key.
  this.timeout(120_000);
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-cli-'));
    db = path.join(dir, 'silta.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('invite prints a one-time URL and its expiry, and stores only a hash of the token', async () => {
    const run = await cli(db, ['invite', '--hours', '2']);
    assert.equal(run.code, 0, run.stderr.join('\n'));
    const url = run.stdout.match(/https:\/\/silta\.example\.fi\/lti\/register\?invite=([\w-]+)/);
    assert.ok(url, run.stdout);
    const expiry = run.stdout.match(/expires at (\S+)\./);
    assert.ok(expiry, run.stdout);
    const hours = (Date.parse(expiry[1]) - Date.now()) / 3600_000;
    assert.ok(hours > 1.9 && hours <= 2, `expires in ${hours} h`);
    assert.doesNotMatch(run.stdout, /migrat/i, 'no migration notes in the output');

    const sequelize = new Sequelize({ dialect: 'sqlite', storage: db, logging: false });
    try {
      const [rows] = await sequelize.query('SELECT token_hash, used_at FROM registration_invites');
      assert.deepEqual(rows, [{ token_hash: crypto.createHash('sha256').update(url[1]).digest('hex'), used_at: null }]);
    } finally {
      await sequelize.close();
    }
  });

  it('invite refuses a number of hours that is not a positive number, in one line', async () => {
    for (const hours of ['0', 'soon', '100000']) {
      const run = await cli(db, ['invite', `--hours=${hours}`]);
      assert.equal(run.code, 2, hours);
      assert.equal(run.stderr.length, 1, run.stderr.join('\n'));
      assert.match(run.stderr[0], /^platform invite: --hours /);
      assert.equal(run.stdout, '');
    }
  });

  it('add stores a platform with its deployments, and list shows it', async () => {
    const empty = await cli(db, ['list']);
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /No platforms registered/);

    const added = await cli(db, [
      ...addFlags('moodle-client-1', '--deployment-id', '3', '--deployment-id', '4', '--name', 'Moodle of Pirkanmaa'),
    ]);
    assert.equal(added.code, 0, added.stderr.join('\n'));
    assert.match(added.stdout, /client id:\s+moodle-client-1/);
    assert.match(added.stdout, /deployment ids:\s+3, 4/);
    assert.match(added.stdout, /Initiate login URL:\s+https:\/\/silta\.example\.fi\/lti\/login/);

    const second = await cli(db, addFlags('moodle-client-2', '--deployment-id', '9'));
    assert.equal(second.code, 0, second.stderr.join('\n'));

    const list = await cli(db, ['list']);
    assert.equal(list.code, 0);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+ISSUER\s+CLIENT ID\s+DEPLOYMENT IDS\s+REGISTERED BY$/);
    assert.ok(
      lines.some((l) =>
        /^Moodle of Pirkanmaa\s+https:\/\/moodle\.example\.fi\s+moodle-client-1\s+3,4\s+manual$/.test(l),
      ),
      list.stdout,
    );
    assert.ok(
      lines.some((l) => /^moodle\.example\.fi\s+https:\/\/moodle\.example\.fi\s+moodle-client-2\s+9\s+manual$/.test(l)),
      list.stdout,
    );
  });

  it('add names the bad flag in one line and stores nothing', async () => {
    const cases: [string[], RegExp][] = [
      [addFlags('c'), /^platform add: --deployment-id is required$/],
      [
        addFlags('c', '--deployment-id', '1').filter((a) => a !== '--issuer' && a !== moodle),
        /^platform add: --issuer is required$/,
      ],
      [
        [...addFlags('c', '--deployment-id', '1'), '--issuer', 'not-a-url'],
        /^platform add: --issuer must be an http\(s\) URL$/,
      ],
      [addFlags('c', '--deployment-id', '1', '--colour', 'blue'), /^platform add: Unknown option '--colour'/],
      [addFlags('', '--deployment-id', '1'), /^platform add: --client-id must not be empty$/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(db, args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stderr.length, 1, run.stderr.join('\n'));
      assert.match(run.stderr[0], message);
    }
    const list = await cli(db, ['list']);
    assert.match(list.stdout, /No platforms registered/);
  });

  it('add requires https addresses in production', async () => {
    const run = await cli(
      db,
      addFlags('c', '--deployment-id', '1').map((a) => a.replace('https://moodle', 'http://moodle')),
      {
        NODE_ENV: 'production',
        SECRET_KEY: 'production-secret-key-0123456789abcdef',
      },
    );
    assert.equal(run.code, 2);
    assert.deepEqual(run.stderr, ['platform add: --issuer must be an https URL']);
  });

  it('refuses an unknown command with its usage in one line', async () => {
    const run = await cli(db, ['remove']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.length, 1);
    assert.match(run.stderr[0], /^Unknown command "remove"\. usage: /);
  });
});
