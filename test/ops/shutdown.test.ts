import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Op } from 'sequelize';
import { GradeOutbox } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { gradedLink, platformUser, queueScore, recordScorePosts, waitFor } from '../grades/grade-fixtures';

const LEARNERS = 16;

describe('SIGTERM during a burst of grade sends (Silta as a separate process)', function () {
  this.timeout(120_000);
  let t: TestSilta;
  let recorder: ReturnType<typeof recordScorePosts>;
  const children: ChildProcess[] = [];

  before(async () => {
    t = await testSilta();
    recorder = recordScorePosts(t.devPlatform);
  });
  after(() => recorder.restore());
  afterEach(() => {
    children.splice(0).forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
    t.devPlatform.auth.clearFailures();
  });

  /** Starts `serve()` in a child process on this test's database, its worker on one link. */
  async function startSilta(resourceLinkId: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'silta-server-process.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: t.env.databaseUrl,
        SECRET_KEY: t.env.secretKey,
        RESOURCE_LINK_ID: String(resourceLinkId),
        BATCH_SIZE: '4',
        SERVICE_TIMEOUT_MS: '2000',
        SHUTDOWN_TIMEOUT_SECONDS: '20',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/^ready \d+$/m.test(output)) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`Silta process exited (${code}) before it was ready:\n${output}`)));
    });
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
    );

  it('exits 0 after the batch in hand is recorded; after a restart every grade arrives exactly once', async () => {
    const g = await gradedLink(t);
    const subs = Array.from({ length: LEARNERS }, (_, i) => String(201 + i));
    const rows = [];
    for (const [i, sub] of subs.entries())
      rows.push(
        await queueScore(
          t,
          { resourceLinkId: g.resourceLinkId, userId: await platformUser(t, sub) },
          { scoreGiven: i + 1 },
        ),
      );
    const ids = rows.map((r) => r.id);
    const posted = () => recorder.to(g.item!.id).length;

    // One score POST in the middle of the burst gets no answer, so SIGTERM arrives while the
    // worker holds a batch.
    const auth = t.devPlatform.auth;
    const takeFailure = auth.takeFailure.bind(auth);
    let swallowed = false;
    auth.takeFailure = (target) => {
      const failure = takeFailure(target);
      if (failure?.hang) swallowed = true;
      return failure;
    };
    let first: ChildProcess;
    try {
      first = await startSilta(g.resourceLinkId);
      await waitFor(async () => posted() >= 4, 'the first batch to reach the platform', 30_000);
      t.devPlatform.failNext({ hang: true });
      await waitFor(async () => swallowed, 'a score POST to hang', 30_000);
    } finally {
      auth.takeFailure = takeFailure;
    }
    first.kill('SIGTERM');
    assert.equal(await exited(first), 0, 'a clean shutdown, within SHUTDOWN_TIMEOUT_SECONDS');

    const stopped = await GradeOutbox.findAll({ where: { id: { [Op.in]: ids } }, order: [['id', 'ASC']] });
    for (const row of stopped) {
      assert.ok(['sent', 'pending'].includes(row.status), `row ${row.id} is ${row.status}`);
      assert.equal(row.claimToken, null, `row ${row.id} is not left claimed`);
      assert.equal(row.claimedUntil, null);
    }
    const sentBefore = stopped.filter((r) => r.status === 'sent');
    assert.ok(
      sentBefore.length >= 4 && sentBefore.length < LEARNERS,
      `some sent (${sentBefore.length}), some still pending`,
    );
    for (const row of sentBefore) {
      const sub = subs[ids.indexOf(row.id)];
      assert.equal(
        t.devPlatform.gradebook.scoreOf(g.item!.id, sub)?.scoreGiven,
        row.scoreGiven,
        `learner ${sub}'s grade is in the gradebook`,
      );
    }

    const second = await startSilta(g.resourceLinkId);
    await waitFor(
      async () => (await GradeOutbox.count({ where: { id: { [Op.in]: ids }, status: 'sent' } })) === LEARNERS,
      'every grade sent after the restart',
      60_000,
    );
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);

    for (const [i, sub] of subs.entries()) {
      assert.deepEqual(
        recorder.to(g.item!.id, sub).map((p) => p.status),
        [200],
        `learner ${sub}: one accepted POST`,
      );
      assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, sub)?.scoreGiven, i + 1);
    }
  });
});
