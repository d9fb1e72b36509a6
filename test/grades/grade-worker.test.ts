import assert from 'node:assert/strict';
import { SCOPE } from '../../lti/claims';
import { postScore } from '../../lti/grades';
import { ServiceClient } from '../../lti/service-client';
import { retryFailed } from '../../server/domain/grades/grade-outbox.service';
import { GradeOutbox, LineItem, ResourceLink } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import {
  gradedLink,
  launchAs,
  platformItemId,
  platformUser,
  queueScore,
  recordScorePosts,
  reload,
  resetPlatform,
  testClock,
  testWorker,
} from './grade-fixtures';

describe('grade outbox worker: sending scores to the platform', () => {
  let t: TestSilta;
  let recorder: ReturnType<typeof recordScorePosts>;

  before(async () => {
    t = await testSilta();
    recorder = recordScorePosts(t.devPlatform);
  });
  after(() => recorder.restore());
  afterEach(() => resetPlatform(t));

  it('sends a Completed, FullyGraded score exactly once, with the row’s own values and timestamp', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 8, scoreMaximum: 10 });
    const worker = testWorker(t, [g.resourceLinkId]);

    assert.deepEqual(await worker.runOnce(), [{ id: row.id, status: 'sent', code: undefined }]);
    const stored = await reload(row);
    assert.equal(stored.status, 'sent');
    assert.equal(stored.tries, 1);
    assert.ok(stored.sentAt);
    assert.equal(stored.lastError, null);
    assert.equal(stored.claimToken, null);

    const grade = t.devPlatform.gradebook.scoreOf(g.item!.id, '101');
    assert.ok(grade, 'the platform holds a grade for the trainee (sub 101)');
    assert.equal(grade.scoreGiven, 8);
    assert.equal(grade.scoreMaximum, 10);
    assert.equal(grade.grade, 80, 'rescaled to the line item’s 100 points, as Moodle shows it');
    assert.equal(grade.activityProgress, 'Completed');
    assert.equal(grade.gradingProgress, 'FullyGraded');
    assert.equal(grade.timestamp, row.scoreTimestamp, 'the row’s own timestamp, not a new one');

    // Nothing is left to send: another run sends nothing.
    assert.deepEqual(await worker.runOnce(), []);
    assert.equal(recorder.to(g.item!.id).length, 1);
  });

  it('prepares (loads ltijs) only once a row is due, before claiming it; a failed preparation claims nothing', async () => {
    // Two links: Moodle refuses a second score for one user within the same second (409).
    const g = await gradedLink(t);
    const other = await gradedLink(t);
    let prepared = 0;
    let failNext = false;
    const worker = testWorker(t, [g.resourceLinkId, other.resourceLinkId], {
      prepare: async () => {
        prepared++;
        if (failNext) throw new Error('the database is away');
      },
    });
    assert.deepEqual(await worker.runOnce(), [], 'an empty outbox');
    assert.equal(prepared, 0, 'nothing to send: not prepared');

    const row = await queueScore(t, g, { scoreGiven: 5 });
    failNext = true;
    await assert.rejects(worker.runOnce(), /the database is away/);
    assert.equal(prepared, 1);
    const untouched = await reload(row);
    assert.equal(untouched.status, 'pending');
    assert.equal(untouched.claimToken, null, 'a failed preparation holds no claim');
    assert.equal(untouched.tries, 0);

    failNext = false;
    assert.deepEqual(await worker.runOnce(), [{ id: row.id, status: 'sent', code: undefined }]);
    const next = await queueScore(t, other, { scoreGiven: 6 });
    assert.deepEqual(await worker.runOnce(), [{ id: next.id, status: 'sent', code: undefined }]);
    assert.equal(prepared, 2, 'prepared once more after the failure, then never again');
  });

  it('uses the line item from the launch’s AGS claim (deep-linked) and records it for the link', async () => {
    const g = await gradedLink(t);
    const link = (await ResourceLink.findByPk(g.resourceLinkId))!;
    assert.match(link.agsLineitem ?? '', new RegExp(`/lineitems/${g.item!.id}/lineitem\\?type_id=1$`));
    const itemsBefore = t.devPlatform.lineItems.size;
    await queueScore(t, g, { scoreGiven: 6 });
    await testWorker(t, [g.resourceLinkId]).runOnce();
    assert.equal(t.devPlatform.lineItems.size, itemsBefore, 'no line item created');
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '101')?.scoreGiven, 6);
    assert.equal((await LineItem.findOne({ where: { resourceLinkId: g.resourceLinkId } }))?.url, link.agsLineitem);
  });

  it('creates the line item once on `lineitems` when the launch has none, then reuses it', async () => {
    const g = await gradedLink(t, { lineItem: false });
    const developer = await launchAs(t, g.link, 'developer');
    assert.equal((await ResourceLink.findByPk(g.resourceLinkId))!.agsLineitem, null);
    const gradebook = t.devPlatform.gradebook;
    const list = gradebook.list.bind(gradebook);
    let lookups = 0;
    gradebook.list = (courseId, query) => {
      lookups++;
      return list(courseId, query);
    };
    try {
      const worker = testWorker(t, [g.resourceLinkId]);
      await queueScore(t, g, { scoreGiven: 7, scoreMaximum: 10 });
      assert.equal((await worker.runOnce())[0].status, 'sent');
      const created = t.devPlatform.gradebook.itemsOf('2').filter((i) => i.resourceLinkId === g.link.id);
      assert.equal(created.length, 1, 'one line item for the link');
      assert.equal(created[0].label, g.link.title);
      assert.equal(created[0].scoreMaximum, 10);
      assert.equal(lookups, 1);
      const stored = await LineItem.findOne({ where: { resourceLinkId: g.resourceLinkId } });
      assert.equal(platformItemId(stored!.url), created[0].id);

      // The developer's score goes to the same line item, without looking it up again.
      await queueScore(
        t,
        { resourceLinkId: g.resourceLinkId, userId: developer.userId },
        { scoreGiven: 9, scoreMaximum: 10 },
      );
      assert.equal((await worker.runOnce())[0].status, 'sent');
      assert.equal(lookups, 1, 'the stored line item was reused');
      assert.equal(t.devPlatform.gradebook.itemsOf('2').filter((i) => i.resourceLinkId === g.link.id).length, 1);
      assert.equal(gradebook.scoreOf(created[0].id, '101')?.scoreGiven, 7);
      assert.equal(gradebook.scoreOf(created[0].id, '102')?.scoreGiven, 9);
    } finally {
      gradebook.list = list;
    }
  });

  it('marks a link without a grade service failed (no_grade_service), without calling the platform or retrying', async () => {
    const noScope = await gradedLink(t);
    await ResourceLink.update(
      { agsScopes: JSON.stringify([SCOPE.lineItem, SCOPE.resultReadonly]) },
      { where: { id: noScope.resourceLinkId } },
    );
    const noAgs = await gradedLink(t, { lineItem: false });
    await ResourceLink.update({ agsLineitem: null, agsLineitems: null }, { where: { id: noAgs.resourceLinkId } });
    const rows = [await queueScore(t, noScope, { scoreGiven: 5 }), await queueScore(t, noAgs, { scoreGiven: 5 })];
    const postsBefore = recorder.posts.length;
    const worker = testWorker(t, [noScope.resourceLinkId, noAgs.resourceLinkId]);

    const outcomes = await worker.runOnce();
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code]),
      [
        ['failed', 'no_grade_service'],
        ['failed', 'no_grade_service'],
      ],
    );
    for (const row of rows) {
      const stored = await reload(row);
      assert.equal(stored.status, 'failed');
      assert.equal(stored.lastErrorCode, 'no_grade_service');
    }
    assert.deepEqual(await worker.runOnce(), []);
    assert.equal(recorder.posts.length, postsBefore);
  });

  it('retries a 500 after the platform’s probe backoff (exponential, jitter over its top quarter), then sends once', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 4 });
    const clock = testClock();
    // random 0.5: seven eighths of the capped exponential, 1.75 s then 3.5 s.
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, baseDelayMs: 2000, maxDelayMs: 20_000 });
    t.devPlatform.failNext({ status: 500, times: 2 });

    let before = clock.now().getTime();
    assert.equal((await worker.runOnce())[0].status, 'pending');
    let stored = await reload(row);
    assert.equal(stored.tries, 1);
    assert.equal(stored.lastErrorCode, 'platform_unavailable');
    assert.match(stored.lastError ?? '', /^HTTP 500/);
    const firstDelay = stored.nextAttemptAt.getTime() - before;
    // The worker reads its clock a little after `before` (more on a busy database).
    assert.ok(firstDelay >= 1750 && firstDelay < 1750 + 1200, `first delay ${firstDelay} ms`);
    assert.deepEqual(await worker.runOnce(), [], 'not due before the backoff');

    clock.advance(1750);
    before = clock.now().getTime();
    assert.equal((await worker.runOnce())[0].status, 'pending');
    stored = await reload(row);
    assert.equal(stored.tries, 2);
    const secondDelay = stored.nextAttemptAt.getTime() - before;
    assert.ok(secondDelay >= 3500 && secondDelay < 3500 + 1200, `second delay ${secondDelay} ms doubles`);

    clock.advance(3500);
    assert.equal((await worker.runOnce())[0].status, 'sent');
    stored = await reload(row);
    assert.equal(stored.tries, 3);
    assert.equal(stored.lastError, null);
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => p.status),
      [200],
    );
  });

  it('puts the rest of a batch back untried when the platform is down, until the first row’s next try', async () => {
    const g = await gradedLink(t);
    const developer = await launchAs(t, g.link, 'developer');
    const first = await queueScore(t, g, { scoreGiven: 1 });
    const second = await queueScore(
      t,
      { resourceLinkId: g.resourceLinkId, userId: developer.userId },
      { scoreGiven: 2 },
    );
    t.devPlatform.failNext({ status: 503, times: 5 });
    // One request at a time, so the second row is still waiting when the first one fails.
    const worker = testWorker(t, [g.resourceLinkId], { concurrency: 1 });
    const outcomes = await worker.runOnce();
    assert.deepEqual(
      outcomes.map((o) => [o.id, o.status]),
      [
        [first.id, 'pending'],
        [second.id, 'released'],
      ],
    );
    const [a, b] = [await reload(first), await reload(second)];
    assert.deepEqual([a.tries, b.tries, b.status, b.claimToken], [1, 0, 'pending', null]);
    assert.deepEqual(await worker.runOnce(), [], 'the platform is failing: nothing goes to it before its next probe');
    assert.equal((await reload(second)).tries, 0);
  });

  it('honours Retry-After of a 429 when it is longer than the backoff', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 3 });
    const clock = testClock();
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, baseDelayMs: 1000 });
    t.devPlatform.failNext({ status: 429, retryAfter: 120 });

    const before = clock.now().getTime();
    await worker.runOnce();
    const stored = await reload(row);
    assert.equal(stored.status, 'pending');
    assert.match(stored.lastError ?? '', /^HTTP 429/);
    const delay = stored.nextAttemptAt.getTime() - before;
    assert.ok(delay >= 120_000 && delay < 121_000, `waits the 120 s asked for, got ${delay} ms`);
    clock.advance(119_000);
    assert.deepEqual(await worker.runOnce(), []);
    clock.advance(1_500);
    assert.equal((await worker.runOnce())[0].status, 'sent');
    assert.equal(recorder.to(g.item!.id).length, 1);
  });

  it('times out on a platform that does not answer, and sends on the next try', async function () {
    this.timeout(10_000);
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 2 });
    const clock = testClock();
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, timeoutMs: 400 });
    t.devPlatform.failNext({ hang: true });

    const started = Date.now();
    assert.equal((await worker.runOnce())[0].status, 'pending');
    assert.ok(Date.now() - started < 3000, 'the client gave up after its timeout');
    const stored = await reload(row);
    assert.equal(stored.lastErrorCode, 'platform_timeout');
    assert.equal(stored.tries, 1);
    clock.advance(10_000);
    assert.equal((await worker.runOnce())[0].status, 'sent');
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '101')?.scoreGiven, 2);
  });

  it('gets a fresh token when the platform answers 401 to an expired one', async () => {
    const g = await gradedLink(t);
    const developer = await launchAs(t, g.link, 'developer');
    const worker = testWorker(t, [g.resourceLinkId]);
    await queueScore(t, g, { scoreGiven: 1 });
    assert.equal((await worker.runOnce())[0].status, 'sent');

    t.devPlatform.expireAccessTokens();
    const tokensBefore = t.devPlatform.tokenRequests;
    const rejectedBefore = t.devPlatform.auth.rejectedTokens;
    const row = await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: developer.userId }, { scoreGiven: 10 });
    assert.equal((await worker.runOnce())[0].status, 'sent');
    assert.equal(t.devPlatform.auth.rejectedTokens, rejectedBefore + 1, 'the expired token was refused once');
    assert.equal(t.devPlatform.tokenRequests, tokensBefore + 1, 'one new token');
    assert.equal((await reload(row)).tries, 1, 'the 401 is not a failed try');
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '102')?.scoreGiven, 10);
  });

  it('does not retry a 409: the platform holds a newer score', async () => {
    const g = await gradedLink(t);
    const client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti });
    const lineItemUrl = (await ResourceLink.findByPk(g.resourceLinkId))!.agsLineitem!;
    const later = new Date(Date.now() + 3600_000).toISOString();
    await postScore(client, {
      issuer: t.devPlatform.issuer,
      clientId: t.devPlatform.clientId,
      lineItemUrl,
      score: {
        userId: '101',
        scoreGiven: 3,
        scoreMaximum: 10,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: later,
      },
    });
    const row = await queueScore(t, g, { scoreGiven: 9 });
    const worker = testWorker(t, [g.resourceLinkId]);

    assert.deepEqual(await worker.runOnce(), [{ id: row.id, status: 'conflict', code: 'platform_conflict' }]);
    const stored = await reload(row);
    assert.equal(stored.status, 'conflict');
    assert.equal(stored.tries, 1);
    assert.match(stored.lastError ?? '', /^HTTP 409: Refusing score with an earlier timestamp/);
    assert.deepEqual(await worker.runOnce(), []);
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => p.status),
      [200, 409],
    );
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '101')?.scoreGiven, 3, 'the newer grade stays');
  });

  it('marks a score for a user the platform does not know failed with the platform’s message (400), not retried', async () => {
    const g = await gradedLink(t);
    const stranger = await platformUser(t, '999');
    const row = await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: stranger }, { scoreGiven: 5 });
    const worker = testWorker(t, [g.resourceLinkId]);

    assert.deepEqual(await worker.runOnce(), [{ id: row.id, status: 'failed', code: 'platform_rejected' }]);
    const stored = await reload(row);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.lastError, 'HTTP 400: Incorrect score received');
    assert.deepEqual(await worker.runOnce(), []);
    assert.equal(recorder.to(g.item!.id, '999').length, 1);
  });

  it('gives up after maxTries; retryFailed puts the row back and it is then sent', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 6 });
    const clock = testClock();
    const worker = testWorker(t, [g.resourceLinkId], { now: clock.now, maxTries: 3 });
    t.devPlatform.failNext({ status: 503, times: 3 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await worker.runOnce())[0]?.status);
      clock.advance(10_000);
    }
    assert.deepEqual(statuses, ['pending', 'pending', 'failed']);
    let stored = await reload(row);
    assert.equal(stored.tries, 3);
    assert.equal(stored.lastErrorCode, 'platform_unavailable');
    assert.match(stored.lastError ?? '', /^HTTP 503/);
    assert.deepEqual(await worker.runOnce(), [], 'a failed row is not retried by itself');

    assert.equal(await retryFailed({ id: row.id, resourceLinkId: g.resourceLinkId }, clock.now()), 1);
    stored = await reload(row);
    assert.deepEqual([stored.status, stored.tries], ['pending', 0]);
    assert.equal((await worker.runOnce())[0].status, 'sent');
    assert.equal(t.devPlatform.gradebook.scoreOf(g.item!.id, '101')?.scoreGiven, 6);
  });

  it('sends only the newer of two scores when the older one was not sent yet', async () => {
    const g = await gradedLink(t);
    const older = await queueScore(t, g, { scoreGiven: 5 });
    const newer = await queueScore(t, g, { scoreGiven: 9 });
    const outcomes = await testWorker(t, [g.resourceLinkId]).runOnce();
    assert.deepEqual(outcomes, [{ id: newer.id, status: 'sent', code: undefined }]);
    assert.equal((await reload(older)).status, 'superseded');
    assert.deepEqual(
      recorder.to(g.item!.id).map((p) => p.scoreGiven),
      [9],
    );
  });

  it('never sends a score that would empty the grade the platform holds', async () => {
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 5 });
    await GradeOutbox.update({ gradingProgress: 'Pending' }, { where: { id: row.id } });
    assert.deepEqual(await testWorker(t, [g.resourceLinkId]).runOnce(), [
      { id: row.id, status: 'failed', code: 'grade_not_final' },
    ]);
    assert.equal(recorder.to(g.item!.id).length, 0);
  });
});
