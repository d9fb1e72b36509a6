import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { ServiceClient } from '../../lti/service-client';
import { bridgeGradesDueToRedis, onGradesDue } from '../../server/domain/grades/grade-wake';
import { platformDelivery } from '../../server/domain/grades/platform-health.service';
import { createLogger } from '../../server/logger';
import { GradeOutbox } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import {
  countFailedCalls,
  gradedLink,
  launchAs,
  platformUser,
  queueScore,
  recordScorePosts,
  reload,
  resetPlatform,
  testClock,
  testWorker,
  waitFor,
} from './grade-fixtures';

describe('grade outbox worker: a failing platform, its recovery, claims and wake-ups', () => {
  let t: TestSilta;
  let recorder: ReturnType<typeof recordScorePosts>;
  let failed: ReturnType<typeof countFailedCalls>;
  const platform = () => ({ issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId });

  before(async () => {
    t = await testSilta();
    recorder = recordScorePosts(t.devPlatform);
    failed = countFailedCalls(t.devPlatform);
  });
  after(() => {
    recorder.restore();
    failed.restore();
  });
  afterEach(() => resetPlatform(t));

  /** A link with scores queued for `count` demo learners (201..). */
  async function queued(count: number) {
    const g = await gradedLink(t);
    const rows = [];
    for (let i = 0; i < count; i++)
      rows.push(
        await queueScore(
          t,
          { resourceLinkId: g.resourceLinkId, userId: await platformUser(t, String(201 + i)) },
          { scoreGiven: i + 1 },
        ),
      );
    return { g, rows };
  }

  it('while the platform fails, sends one probe at a time after a backoff capped at maxDelayMs, and tells when the next try is', async () => {
    const { g, rows } = await queued(6);
    const clock = testClock();
    // Seconds, so that a busy machine does not reach the next try between two assertions.
    const backoff = { baseDelayMs: 5000, maxDelayMs: 8000 };
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, ...backoff });
    t.devPlatform.failNext({ status: 503, times: Infinity });
    const before = failed.count;

    // The first round finds out with one request (a lane starts with one in flight), the rest put back untried.
    const first = await worker.runOnce();
    assert.equal(failed.count - before, 1);
    assert.equal(first.filter((o) => o.status === 'released').length, 5);
    const state = await platformDelivery(platform());
    assert.equal(state.reachable, false);
    assert.ok(state.failingSince && state.nextTryAt && state.nextTryAt > state.failingSince);
    assert.equal(state.lastErrorCode, 'platform_unavailable');
    assert.deepEqual(await worker.runOnce(), [], 'nothing before the next try');

    const gaps: number[] = [];
    for (let probe = 0; probe < 8; probe++) {
      const due = (await platformDelivery(platform())).nextTryAt!;
      gaps.push(due.getTime() - clock.now().getTime());
      clock.advance(due.getTime() - clock.now().getTime() + 1);
      // Two workers at the same moment: one probe between them.
      const sent = failed.count;
      const [a, b] = await Promise.all([
        worker.runOnce(),
        testWorker(t, [g.resourceLinkId], { now: clock.now, ...backoff }).runOnce(),
      ]);
      assert.equal(failed.count - sent, 1, `probe ${probe + 1}: one request`);
      assert.equal(a.length + b.length, 1);
    }
    assert.ok(
      gaps.every((gap) => gap <= 8000),
      `never longer than the cap: ${gaps.join(', ')}`,
    );
    assert.ok(
      gaps.slice(-3).every((gap) => gap >= 3000),
      'at least half the cap once there (less the time the round took)',
    );
    assert.equal(recorder.to(g.item!.id).length, 0);
    for (const row of rows) assert.equal((await reload(row)).status, 'pending');
  });

  it('probes often while an outage is young and seldom once it is old: a fifth of its age, 4 s to 30 s; ~40 requests in 10 minutes', async function () {
    this.timeout(120_000);
    const { g } = await queued(3);
    const clock = testClock();
    // The production schedule; random 0 is the shortest jitter, so the most requests.
    const worker = testWorker(t, [g.resourceLinkId], {
      now: clock.now,
      maxTries: 1000,
      baseDelayMs: 1000,
      earlyDelayMs: 4000,
      maxDelayMs: 30_000,
      random: () => 0,
    });
    t.devPlatform.failNext({ status: 503, times: Infinity });
    const before = failed.count;
    const start = clock.now().getTime();
    await worker.runOnce();
    const probes: { at: number; gap: number }[] = [];
    for (;;) {
      const due = (await platformDelivery(platform())).nextTryAt!.getTime();
      if (due - start > 600_000) break;
      probes.push({ at: clock.now().getTime() - start, gap: due - clock.now().getTime() });
      clock.advance(due - clock.now().getTime() + 1);
      await worker.runOnce();
    }
    const requests = failed.count - before;
    assert.ok(requests <= 45, `a 10-minute outage: ${requests} requests`);
    assert.ok(requests >= 30, `still probing: ${requests} requests`);
    const gapAt = (s: number) => probes.filter((p) => p.at <= s * 1000).at(-1)!.gap;
    assert.ok(gapAt(20) <= 4000, `early: ${gapAt(20)} ms`);
    // The bench's 30 s outage is noticed within 6 s (a fifth of 30 s).
    assert.ok(gapAt(35) <= 7000, `at half a minute: ${gapAt(35)} ms`);
    assert.ok(
      probes.every((p) => p.gap <= 30_000 && p.gap <= Math.max(4000, (p.at + 1000) / 5)),
      'never above a fifth of the age, nor 30 s',
    );
    assert.ok(gapAt(590) >= 22_000, `late: ${gapAt(590)} ms`);
    assert.equal(recorder.to(g.item!.id).length, 0);
  });

  it('a launch from a failing platform makes its probe due at once and wakes the worker, at most once per 15 s', async () => {
    const { g, rows } = await queued(2);
    const worker = testWorker(t, [g.resourceLinkId], {
      baseDelayMs: 60_000,
      earlyDelayMs: 60_000,
      maxDelayMs: 60_000,
      pollMs: 60_000,
    });
    t.devPlatform.failNext({ status: 503, times: Infinity });
    await worker.runOnce();
    const failingUntil = (await platformDelivery(platform())).nextTryAt!;
    assert.ok(failingUntil.getTime() - Date.now() > 30_000, 'the next probe is far away');
    t.devPlatform.auth.clearFailures();
    worker.start();
    try {
      // Moodle is up again: a trainee launches from it. The worker's next poll is a minute away.
      await launchAs(t, g.link, 'trainee');
      // The probe, then the grade it released.
      await waitFor(
        async () => (await GradeOutbox.count({ where: { id: rows.map((r) => r.id), status: 'sent' } })) === 2,
        'the waiting grades sent after the launch',
        10_000,
      );
    } finally {
      await worker.stop();
    }

    // A second outage: launches within 15 s of the last one that signalled do not probe again.
    t.devPlatform.failNext({ status: 503, times: Infinity });
    const another = await queueScore(t, g, { scoreGiven: 2 });
    await worker.runOnce();
    const next = (await platformDelivery(platform())).nextTryAt!;
    await launchAs(t, g.link, 'trainee');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual((await platformDelivery(platform())).nextTryAt, next, 'kept its schedule');
    assert.equal((await reload(another)).status, 'pending');
  });

  it('the first success after an outage makes every waiting row due at once; they go out at most 4 at a time', async () => {
    const { g, rows } = await queued(9);
    const clock = testClock();
    // Counts the score requests in flight at once.
    const client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti, timeoutMs: 3000 });
    const request = client.request.bind(client);
    let inFlight = 0;
    let most = 0;
    client.request = async (r) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await request(r);
      } finally {
        inFlight--;
      }
    };
    const worker = testWorker(t, [g.resourceLinkId], { client, now: clock.now, concurrency: 4 });
    t.devPlatform.failNext({ status: 503, times: Infinity });
    await worker.runOnce();
    // The rows waited through a few probes; their own next tries lie in the future.
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await worker.runOnce();
    }
    t.devPlatform.auth.clearFailures();
    clock.advance(60_000);
    most = 0;

    const probe = await worker.runOnce();
    assert.deepEqual(
      probe.map((o) => o.status),
      ['sent'],
      'the probe went through',
    );
    const state = await platformDelivery(platform());
    assert.deepEqual([state.reachable, state.failingSince, state.nextTryAt], [true, null, null]);
    const waiting = await GradeOutbox.findAll({ where: { id: rows.map((r) => r.id), status: 'pending' } });
    assert.equal(waiting.length, 8);
    for (const row of waiting)
      assert.ok(row.nextAttemptAt.getTime() <= clock.now().getTime(), 'due now, whatever its own backoff said');

    const rest = await worker.runOnce();
    assert.equal(rest.filter((o) => o.status === 'sent').length, 8, 'all released rows in one round');
    assert.ok(most <= 4 && most >= 2, `at most 4 in flight (saw ${most})`);
    for (let i = 0; i < 9; i++)
      assert.deepEqual(
        recorder.to(g.item!.id, String(201 + i)).map((p) => p.status),
        [200],
      );
  });

  it('honours a 429’s Retry-After for the whole platform, beyond the backoff cap', async () => {
    const { g, rows } = await queued(1);
    const clock = testClock();
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, maxDelayMs: 4000 });
    t.devPlatform.failNext({ status: 429, retryAfter: 90 });
    await worker.runOnce();
    const state = await platformDelivery(platform());
    const wait = state.nextTryAt!.getTime() - clock.now().getTime();
    assert.ok(wait > 89_000 && wait <= 90_000, `waits the 90 s asked for (${wait} ms)`);
    // A score queued meanwhile waits too.
    const another = await queueScore(
      t,
      { resourceLinkId: g.resourceLinkId, userId: await platformUser(t, '210') },
      { scoreGiven: 3 },
    );
    clock.advance(60_000);
    assert.deepEqual(await worker.runOnce(), []);
    clock.advance(31_000);
    assert.deepEqual(
      (await worker.runOnce()).map((o) => o.status),
      ['sent'],
      'one probe',
    );
    assert.deepEqual(
      (await worker.runOnce()).map((o) => o.status),
      ['sent'],
      'then the rest',
    );
    assert.equal((await reload(rows[0])).status, 'sent');
    assert.equal((await reload(another)).status, 'sent');
  });

  it('renews its claim while a slow request runs, so no other worker takes the row; a dead worker’s row is taken after its short lease', async function () {
    this.timeout(30_000);
    const { g, rows } = await queued(1);
    const row = rows[0];
    t.devPlatform.failNext({ hang: true });
    const slow = testWorker(t, [g.resourceLinkId], { leaseMs: 300, timeoutMs: 1500 });
    const running = slow.runOnce();
    await waitFor(async () => !!(await reload(row)).claimToken, 'the claim');
    const claimed = await reload(row);
    await new Promise((resolve) => setTimeout(resolve, 900));
    const renewed = await reload(row);
    assert.equal(renewed.claimToken, claimed.claimToken);
    assert.ok(renewed.claimedUntil! > claimed.claimedUntil!, 'the lease moved on while the request hung');
    assert.deepEqual(
      await testWorker(t, [g.resourceLinkId], { leaseMs: 300 }).runOnce(),
      [],
      'another worker leaves it alone',
    );
    assert.equal((await running)[0].status, 'pending', 'timed out');
    await resetPlatform(t);

    // A worker that died holding the row: taken over once its lease has passed, counted as orphaned.
    await GradeOutbox.update(
      { claimToken: 'died', claimedUntil: new Date(Date.now() - 1), nextAttemptAt: new Date() },
      { where: { id: row.id } },
    );
    assert.deepEqual(
      (await testWorker(t, [g.resourceLinkId]).runOnce()).map((o) => o.status),
      ['sent'],
    );
    assert.equal((await reload(row)).orphanedClaims, 1);
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => p.status),
      [200],
    );
  });

  it('a resend after a crash that gets 409 for a grade the platform holds from that very row is `sent`; a truly newer grade stays `conflict`', async () => {
    const { g, rows } = await queued(2);
    const worker = testWorker(t, [g.resourceLinkId]);
    assert.deepEqual(
      (await worker.runOnce()).map((o) => o.status),
      ['sent', 'sent'],
    );
    // Both processes died after the platform's 200, before recording it.
    await GradeOutbox.update(
      { status: 'pending', sentAt: null, tries: 0, claimToken: 'dead', claimedUntil: new Date(Date.now() - 1) },
      { where: { id: rows.map((r) => r.id) } },
    );
    // Meanwhile a teacher overrode the second learner's grade in Moodle with a newer one.
    const later = new Date(Date.now() + 3600_000).toISOString();
    t.devPlatform.gradebook.postScore(t.devPlatform.lineItems.get(g.item!.id)!, {
      userId: '202',
      scoreGiven: 1,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: later,
    });

    const outcomes = await worker.runOnce();
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code]),
      [
        ['sent', undefined],
        ['conflict', 'platform_conflict'],
      ],
    );
    assert.equal((await reload(rows[0])).status, 'sent');
    assert.equal((await reload(rows[1])).status, 'conflict');
  });

  it('wakes at once when a score is queued, long before its next poll', async () => {
    const g = await gradedLink(t);
    const worker = testWorker(t, [g.resourceLinkId], { pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const row = await queueScore(t, g, { scoreGiven: 5 });
      // The next poll is a minute away: only the wake-up can send it within the wait.
      await waitFor(async () => (await reload(row)).status === 'sent', 'the score sent after the wake-up', 10_000);
    } finally {
      await worker.stop();
    }
  });

  it('with REDIS_URL, hears other instances’ "grades due" over Redis pub/sub', async function () {
    const url = process.env.REDIS_URL;
    if (!url) this.skip();
    const bridge = await bridgeGradesDueToRedis(url!, createLogger('silent'));
    const other = createClient({ url });
    await other.connect();
    let heard = 0;
    const stop = onGradesDue(() => heard++);
    try {
      await other.publish('silta:grades:due', 'another-instance');
      await waitFor(async () => heard > 0, 'the announcement', 5000);
    } finally {
      stop();
      await other.quit();
      await bridge.close();
    }
  });
});
