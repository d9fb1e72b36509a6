import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Practice, User } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');

type Run = { code: number; stdout: string; stderr: string };

describe('user CLI (scripts/user.ts): export and erase', function () {
  // Each run starts a process and opens the store.
  this.timeout(120_000);
  let t: TestSilta;
  let seq = 0;

  before(async () => {
    t = await testSilta();
  });

  /** Runs the CLI as `npm run user:*` does (tsx), on the test Silta's database. */
  function cli(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/user.ts', ...args],
        {
          cwd: ROOT,
          timeout: 60_000,
          env: {
            ...process.env,
            NODE_ENV: 'test',
            DATABASE_URL: t.env.databaseUrl,
            SECRET_KEY: t.env.secretKey,
            LOG_LEVEL: 'warn',
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  /** A user known to Silta only from the platform (never launched here), with a region. */
  async function someone(): Promise<User> {
    seq += 1;
    return User.create({
      issuer: t.devPlatform.issuer,
      sub: `cli-user-${Date.now()}-${seq}`,
      name: 'Kalle Testinen',
      givenName: 'Kalle',
      familyName: 'Testinen',
      email: `kalle.testinen.${seq}@example.fi`,
    });
  }

  it('export prints everything Silta holds as JSON', async () => {
    const user = await someone();
    const run = await cli(['export', '--issuer', user.issuer, '--sub', user.sub]);
    assert.equal(run.code, 0, run.stderr);
    const exported = JSON.parse(run.stdout) as {
      format: string;
      userId: number;
      data: { account: { user: { email: string } }; modules: unknown[]; grades: unknown[]; board: unknown };
    };
    assert.equal(exported.format, 'silta-personal-data/1');
    assert.equal(exported.userId, user.id);
    assert.equal(exported.data.account.user.email, user.email);
    assert.deepEqual([exported.data.modules, exported.data.grades], [[], []]);
  });

  it('erase anonymises the user and keeps their practice under "deleted user"; --remove deletes it', async () => {
    const admin = await someone();
    const text = (value: string) => ({ summary: value, need: value, whatWasDone: value, results: value });
    const { id: practice } = await Practice.create({
      issuer: admin.issuer,
      boardKey: 'default',
      authorId: admin.id,
      regionCode: 'lappi',
      title: 'Kallen malli',
      ...text('Kuvaus'),
      actors: '[]',
      themes: '[]',
      links: '[]',
      status: 'pilot',
      language: 'fi',
    });

    const kept = await cli(['erase', '--issuer', admin.issuer, '--sub', admin.sub]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /erased; their posts are kept under "deleted user"/);
    const erased = (await User.findByPk(admin.id))!;
    assert.deepEqual([erased.name, erased.givenName, erased.familyName, erased.email], [null, null, null, null]);
    assert.match(erased.sub, /^erased:/);
    assert.ok(await Practice.findByPk(practice));

    const again = await cli(['export', '--issuer', admin.issuer, '--sub', admin.sub]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no user with that issuer and sub/);

    const removed = await cli(['erase', '--issuer', erased.issuer, '--sub', erased.sub, '--remove']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /their posts were deleted/);
    assert.equal(await Practice.findByPk(practice), null);
  });

  it('refuses bad input with status 2 before touching the store, and an unknown user with 1', async () => {
    const user = await someone();
    const before = JSON.stringify(await User.findByPk(user.id, { raw: true }));
    const cases: [string[], RegExp][] = [
      [[], /^usage: user\.ts/],
      [['delete', '--issuer', user.issuer, '--sub', user.sub], /Unknown command "delete"/],
      [['erase', '--sub', user.sub], /user erase: --issuer is required/],
      [['erase', '--issuer', user.issuer], /user erase: --sub is required/],
      [['erase', '--issuer', 'moodle', '--sub', user.sub], /user erase: --issuer must be a URL/],
      [['erase', '--issuer', user.issuer, '--sub', '   '], /user erase: --sub must not be empty/],
      [['erase', '--issuer', user.issuer, '--sub', 'x'.repeat(256)], /user erase: --sub is too long/],
      [
        ['erase', '--issuer', user.issuer, '--sub', user.sub, '--everything'],
        /user erase: Unknown option '--everything'/,
      ],
      [['export', '--issuer', user.issuer, '--sub', user.sub, '--remove'], /user export: --remove belongs to erase/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr.trim(), message);
    }
    const unknown = await cli(['erase', '--issuer', user.issuer, '--sub', 'nobody-with-this-sub']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /user erase failed: no user with that issuer and sub/);
    assert.equal(JSON.stringify(await User.findByPk(user.id, { raw: true })), before, 'nothing changed');
  });
});
