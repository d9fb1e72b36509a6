import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Op } from 'sequelize';
import { GradeOutbox } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import {
  gradedLink,
  platformUser,
  queueScore,
  recordScorePosts,
  reload,
  resetPlatform,
  testClock,
  testWorker,
  waitFor,
} from './grade-fixtures';

describe('grade outbox worker: several workers, crashes and restarts', () => {
  let t: TestSilta;
  let recorder: ReturnType<typeof recordScorePosts>;

  before(async () => {
    t = await testSilta();
    recorder = recordScorePosts(t.devPlatform);
  });
  after(() => recorder.restore());
  afterEach(() => resetPlatform(t));

  /** One link with scores queued for demo learners 201.. (enrolled on the platform, never launched). */
  async function queueForLearners(count: number) {
    const g = await gradedLink(t);
    const rows = [];
    for (let i = 0; i < count; i++)
      rows.push(
        await queueScore(
          t,
          { resourceLinkId: g.resourceLinkId, userId: await platformUser(t, String(201 + i)) },
          { scoreGiven: i },
        ),
      );
    return { g, rows };
  }

  it('a worker that saw the same due rows as another, but claims them after it, gets none of them', async () => {
    const { g, rows } = await queueForLearners(6);
    const late = testWorker(t, [g.resourceLinkId], { batchSize: 6 });
    const early = testWorker(t, [g.resourceLinkId], { batchSize: 6 });
    // Hold the late worker between its look at the due rows and its claim.
    const findAll = GradeOutbox.findAll;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    GradeOutbox.findAll = async function (this: typeof GradeOutbox, ...args: Parameters<typeof findAll>) {
      const result = await findAll.apply(this, args);
      if (!held && args[0]?.attributes && (args[0].attributes as string[]).length === 1) {
        held = true;
        await gate;
      }
      return result;
    } as typeof findAll;
    let lateRun: ReturnType<typeof late.runOnce>;
    try {
      lateRun = late.runOnce();
      await waitFor(async () => held, 'the late worker to see the due rows');
      const sentEarly = await early.runOnce();
      assert.deepEqual(
        sentEarly.map((o) => [o.id, o.status]),
        rows.map((r) => [r.id, 'sent']),
      );
    } finally {
      release();
      GradeOutbox.findAll = findAll;
    }
    assert.deepEqual(await lateRun, [], 'its claim found the rows taken');
    for (let i = 0; i < 6; i++)
      assert.equal(recorder.to(g.item!.id, String(201 + i)).length, 1, `learner ${201 + i} got one POST`);
  });

  it('two workers polling at the same moment send each row once', async () => {
    const { g, rows } = await queueForLearners(6);
    const [a, b] = await Promise.all([
      testWorker(t, [g.resourceLinkId], { batchSize: 6 }).runOnce(),
      testWorker(t, [g.resourceLinkId], { batchSize: 6 }).runOnce(),
    ]);
    assert.deepEqual(
      [...a, ...b].map((o) => o.id).sort((x, y) => x - y),
      rows.map((r) => r.id),
    );
    assert.equal(recorder.to(g.item!.id).length, 6);
  });

  it('two running workers drain a queue together, each row sent once', async () => {
    const { g, rows } = await queueForLearners(12);
    const workers = [
      testWorker(t, [g.resourceLinkId], { batchSize: 2 }),
      testWorker(t, [g.resourceLinkId], { batchSize: 2 }),
    ];
    workers.forEach((w) => w.start());
    try {
      await waitFor(
        async () =>
          (await GradeOutbox.count({ where: { id: { [Op.in]: rows.map((r) => r.id) }, status: 'sent' } })) ===
          rows.length,
        'all rows sent',
      );
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const posts = recorder.to(g.item!.id);
    assert.equal(posts.length, 12);
    assert.equal(new Set(posts.map((p) => p.userId)).size, 12);
  });

  it('leaves a row held by a live worker alone, and takes it over when that worker’s lease has run out', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 7 });
    const clock = testClock();
    await GradeOutbox.update(
      { claimToken: 'a-worker-that-died', claimedUntil: new Date(clock.now().getTime() + 60_000) },
      { where: { id: row.id } },
    );
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now });
    assert.deepEqual(await worker.runOnce(), []);
    clock.advance(61_000);
    assert.equal((await worker.runOnce())[0].status, 'sent');
    assert.equal(recorder.to(g.item!.id).length, 1);
  });

  it('a send whose success was never recorded (crash after the POST) ends once on the platform: the resend gets 409 and the row is `sent`', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 8 });
    const clock = testClock();
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now });
    assert.equal((await worker.runOnce())[0].status, 'sent');
    const held = t.devPlatform.gradebook.scoreOf(g.item!.id, '101');
    // The process died after the platform's 200, before its UPDATE: the row is as it was when claimed.
    await GradeOutbox.update(
      { status: 'pending', sentAt: null, tries: 0, claimToken: 'the-dead-process', claimedUntil: clock.now() },
      { where: { id: row.id } },
    );
    clock.advance(1);

    // Moodle holds this very score (same timestamp), so the teacher is told "sent", not "a newer grade".
    assert.deepEqual(await worker.runOnce(), [{ id: row.id, status: 'sent', code: undefined }]);
    assert.equal((await reload(row)).status, 'sent');
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => [p.status, p.timestamp]),
      [
        [200, row.scoreTimestamp],
        [409, row.scoreTimestamp],
      ],
      'the resend carried the same timestamp and was refused',
    );
    assert.deepEqual(
      t.devPlatform.gradebook.scoreOf(g.item!.id, '101'),
      held,
      'the platform still holds the one grade',
    );
    assert.deepEqual(await worker.runOnce(), []);
  });

  it('a restarted worker sends a score the stopped one could not, once the platform recovers', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 5 });
    t.devPlatform.failNext({ status: 503, times: 4 });
    const first = testWorker(t, [g.resourceLinkId], { baseDelayMs: 40, maxDelayMs: 80 });
    first.start();
    await waitFor(async () => (await reload(row)).tries >= 2, 'two failed tries');
    await first.stop();
    const stopped = await reload(row);
    assert.equal(stopped.status, 'pending', 'the row waits in the database');
    assert.equal(stopped.claimToken, null, 'stop() let the batch in hand finish and release its rows');
    assert.equal(recorder.to(g.item!.id).length, 0);

    const second = testWorker(t, [g.resourceLinkId], { baseDelayMs: 40, maxDelayMs: 80 });
    second.start();
    try {
      await waitFor(async () => (await reload(row)).status === 'sent', 'the score sent');
    } finally {
      await second.stop();
    }
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => p.status),
      [200],
    );
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '101')?.scoreGiven, 5);
  });

  describe('with Silta as a separate process', () => {
    const children: ChildProcess[] = [];
    afterEach(() => children.splice(0).forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

    /** Starts a Silta process on this test's database with its grade worker on one link. */
    async function startSilta(
      resourceLinkId: number,
      options: { leaseMs: number; serviceTimeoutMs: number },
    ): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'silta-process.ts')], {
        env: {
          ...process.env,
          DATABASE_URL: t.env.databaseUrl,
          SECRET_KEY: t.env.secretKey,
          RESOURCE_LINK_ID: String(resourceLinkId),
          LEASE_MS: String(options.leaseMs),
          SERVICE_TIMEOUT_MS: String(options.serviceTimeoutMs),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/^ready$/m.test(output)) resolve();
        });
        child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
        child.once('exit', (code) =>
          reject(new Error(`Silta process exited (${code}) before it was ready:\n${output}`)),
        );
      });
      return child;
    }

    it('two Silta processes on one database, one killed with SIGKILL mid-delivery: one accepted score per trainee', async function () {
      this.timeout(240_000);
      const LEARNERS = 16;
      const { g, rows } = await queueForLearners(LEARNERS);
      // A slow platform keeps both processes busy sending when the first one is killed.
      t.devPlatform.auth.latencyMs = 150;
      try {
        const [first, second] = [
          await startSilta(g.resourceLinkId, { leaseMs: 1500, serviceTimeoutMs: 5000 }),
          await startSilta(g.resourceLinkId, { leaseMs: 1500, serviceTimeoutMs: 5000 }),
        ];
        await waitFor(async () => recorder.to(g.item!.id).length >= 3, 'the first grades to arrive', 120_000);
        first.kill('SIGKILL');
        await exited(first);
        await waitFor(
          async () =>
            (await GradeOutbox.count({ where: { id: { [Op.in]: rows.map((r) => r.id) }, status: 'sent' } })) ===
            LEARNERS,
          'every grade sent by the survivor',
          120_000,
        );
        second.kill('SIGTERM');
        await exited(second);
      } finally {
        t.devPlatform.auth.latencyMs = 0;
      }
      for (let i = 0; i < LEARNERS; i++) {
        const sub = String(201 + i);
        const posts = recorder.to(g.item!.id, sub);
        assert.equal(
          posts.filter((p) => p.status === 200).length,
          1,
          `learner ${sub}: one accepted score (${posts.map((p) => p.status).join(', ')})`,
        );
        assert.ok(
          posts.every((p) => p.timestamp === rows[i].scoreTimestamp),
          'every send carried the row’s timestamp',
        );
        assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, sub)?.scoreGiven, i);
      }
    });

    const exited = (child: ChildProcess) =>
      new Promise<number | null>((resolve) =>
        child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
      );

    it('Silta killed in the middle of sending and started again: the score arrives exactly once after the platform recovers', async function () {
      // Two Silta processes boot one after the other; on a shared machine that takes a while.
      this.timeout(240_000);
      const g = await gradedLink(t);
      const row = await queueScore(t, g, { scoreGiven: 9 });
      // The platform first swallows the score POST without answering...
      const auth = t.devPlatform.auth;
      const takeFailure = auth.takeFailure.bind(auth);
      let swallowed = false;
      auth.takeFailure = (target) => {
        const failure = takeFailure(target);
        if (failure?.hang) swallowed = true;
        return failure;
      };
      try {
        t.devPlatform.failNext({ hang: true });
        const first = await startSilta(g.resourceLinkId, { leaseMs: 1500, serviceTimeoutMs: 30_000 });
        await waitFor(async () => swallowed, 'the first process’s POST to hang', 90_000);
        first.kill('SIGKILL');
        await exited(first);
      } finally {
        auth.takeFailure = takeFailure;
      }
      const orphan = await reload(row);
      assert.equal(orphan.status, 'pending');
      assert.ok(orphan.claimToken, 'the dead process still holds the row until its lease runs out');

      // ...then is down for two more calls, then recovers.
      t.devPlatform.failNext({ status: 503, times: 2 });
      const second = await startSilta(g.resourceLinkId, { leaseMs: 1500, serviceTimeoutMs: 5000 });
      await waitFor(async () => (await reload(row)).status === 'sent', 'the restarted Silta to send the score', 90_000);
      second.kill('SIGTERM');
      assert.equal(await exited(second), 0, 'Silta closed cleanly, worker stopped first');

      const sent = await reload(row);
      assert.equal(sent.tries, 3, 'two 503s, then the success');
      assert.deepEqual(
        recorder.to(g.item!.id).map((p) => [p.status, p.timestamp]),
        [[200, row.scoreTimestamp]],
      );
      const grade = t.devPlatform.gradebook.scoreOf(g.item!.id, '101')!;
      assert.deepEqual(
        [grade.scoreGiven, grade.gradingProgress, grade.activityProgress],
        [9, 'FullyGraded', 'Completed'],
      );
    });
  });
});
