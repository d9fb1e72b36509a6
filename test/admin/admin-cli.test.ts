import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdminUser } from '../../server/store/admin-models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { clearThrottles, logIn } from './admin-fixtures';

const ROOT = path.resolve(__dirname, '../..');

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `npm run admin:create` (tsx scripts/admin.ts create) in a child process on the test app's database. */
function adminCli(t: TestSilta, args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'create', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: t.env.databaseUrl,
        PUBLIC_URL: t.baseUrl,
        LOG_LEVEL: 'warn',
        DEV_PLATFORM: 'false',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('npm run admin:create (scripts/admin.ts)', function () {
  // Each run starts a process (tsx) and opens the store.
  this.timeout(120_000);
  let t: TestSilta;
  let dir: string;
  before(async () => {
    t = await testSilta();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-admin-cli-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await clearThrottles();
  });

  it('creates an admin from --password-stdin who can then log in; the hash is scrypt, never the password', async () => {
    const password = 'correct horse battery staple';
    const run = await adminCli(t, ['--username', 'Cli.Admin', '--password-stdin'], `${password}\n`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Admin "cli\.admin" created/);
    const admin = (await AdminUser.findOne({ where: { username: 'cli.admin' } }))!;
    assert.match(admin.passwordHash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    assert.ok(!admin.passwordHash.includes(password));
    assert.equal((await logIn(t.request(), { username: 'cli.admin', password })).status, 303);
  });

  it('creates an admin from --password-file', async () => {
    const file = path.join(dir, 'password');
    fs.writeFileSync(file, 'a-long-file-password-42\n', { mode: 0o600 });
    const run = await adminCli(t, ['--username', 'file-admin', '--password-file', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      (await logIn(t.request(), { username: 'file-admin', password: 'a-long-file-password-42' })).status,
      303,
    );
  });

  it('refuses weak passwords, bad usernames and bad flags (status 2), creating nobody', async () => {
    const before = await AdminUser.count();
    const cases: [string[], string | undefined, RegExp][] = [
      [['--username', 'weak-admin', '--password-stdin'], 'short-pw-1\n', /at least 12 characters/],
      [['--username', 'weak-admin', '--password-stdin'], 'weak-admin-password\n', /must not contain the username/],
      [['--username', 'weak-admin', '--password-stdin'], 'aaaaaaaaaaaaaaaa\n', /repeat/],
      [['--username', 'x', '--password-stdin'], 'a-good-long-password-1\n', /username must be at least 3/],
      [['--username', 'bad name!', '--password-stdin'], 'a-good-long-password-1\n', /may contain letters/],
      [['--password-stdin'], 'a-good-long-password-1\n', /--username is required/],
      [['--username', 'both', '--password-stdin', '--password-file', '/nonexistent'], '', /not both/],
      [
        ['--username', 'nofile', '--password-file', path.join(dir, 'missing')],
        undefined,
        /cannot read --password-file/,
      ],
      [['--username', 'flags', '--password', 'on-the-command-line'], undefined, /Unknown option '--password'/],
      [[], undefined, /no terminal/],
    ];
    for (const [args, stdin, message] of cases) {
      const run = await adminCli(t, args, stdin);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
    assert.equal(await AdminUser.count(), before);
  });

  it('refuses an existing username (status 1) and keeps its password', async () => {
    const run = await adminCli(t, ['--username', 'CLI.ADMIN', '--password-stdin'], 'another-long-password-7\n');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /exists already/);
    assert.equal(
      (await logIn(t.request(), { username: 'cli.admin', password: 'another-long-password-7' })).status,
      401,
    );
  });
});
