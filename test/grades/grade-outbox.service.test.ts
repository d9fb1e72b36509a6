import assert from 'node:assert/strict';
import {
  listForResourceLink,
  outboxSummary,
  retryFailed,
  retryFailedInput,
} from '../../server/domain/grades/grade-outbox.service';
import { probeDelayMs } from '../../server/domain/grades/platform-health.service';
import { GradeOutbox } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { gradedLink, launchAs, platformUser, queueScore, reload, testWorker } from './grade-fixtures';

describe('grade outbox: teacher and admin functions', () => {
  let t: TestSilta;

  before(async () => {
    t = await testSilta();
  });

  it('lists each user’s latest grade row of a link with its sync state and the platform’s error', async () => {
    const g = await gradedLink(t);
    const developer = await launchAs(t, g.link, 'developer');
    const stranger = await platformUser(t, '999');
    await queueScore(t, g, { scoreGiven: 4 });
    const newest = await queueScore(t, g, { scoreGiven: 6 });
    const refused = await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: stranger }, { scoreGiven: 5 });
    await testWorker(t, [g.resourceLinkId]).runOnce();
    const waiting = await queueScore(
      t,
      { resourceLinkId: g.resourceLinkId, userId: developer.userId },
      { scoreGiven: 7 },
    );
    const other = await gradedLink(t);
    await queueScore(t, other, { scoreGiven: 1 });

    const states = await listForResourceLink(g.resourceLinkId);
    assert.deepEqual(
      states.map((s) => [s.userId, s.id, s.status, s.scoreGiven, s.tries, s.lastErrorCode]),
      [
        [g.userId, newest.id, 'sent', 6, 1, null],
        [developer.userId, waiting.id, 'pending', 7, 0, null],
        [stranger, refused.id, 'failed', 5, 1, 'platform_rejected'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const byUser = new Map(states.map((s) => [s.userId, s]));
    assert.ok(byUser.get(g.userId)!.sentAt instanceof Date);
    assert.equal(byUser.get(stranger)!.lastError, 'HTTP 400: Incorrect score received');
    assert.ok(byUser.get(developer.userId)!.nextAttemptAt instanceof Date, 'a pending row says when it goes');
    assert.equal(byUser.get(g.userId)!.nextAttemptAt, null);
    assert.deepEqual(await listForResourceLink(999_999), []);
  });

  it('puts failed rows back: one row, or every failed row of a link, and nothing else', async () => {
    const g = await gradedLink(t);
    const stranger = await platformUser(t, '999');
    const otherStranger = await platformUser(t, '998');
    const failedA = await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: stranger }, { scoreGiven: 1 });
    const failedB = await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: otherStranger }, { scoreGiven: 1 });
    const sent = await queueScore(t, g, { scoreGiven: 2 });
    await testWorker(t, [g.resourceLinkId]).runOnce();
    assert.deepEqual(
      [(await reload(failedA)).status, (await reload(failedB)).status, (await reload(sent)).status],
      ['failed', 'failed', 'sent'],
    );

    const elsewhere = await gradedLink(t);
    assert.equal(
      await retryFailed({ id: failedA.id, resourceLinkId: elsewhere.resourceLinkId }),
      0,
      'a row is not put back through another link',
    );
    assert.equal(await retryFailed({ id: sent.id }), 0, 'a sent row stays sent');
    assert.equal(await retryFailed({ id: failedA.id }), 1);
    const back = await reload(failedA);
    assert.deepEqual([back.status, back.tries], ['pending', 0]);
    assert.ok(back.nextAttemptAt.getTime() <= Date.now());
    assert.equal((await reload(failedB)).status, 'failed');

    await GradeOutbox.update({ status: 'failed' }, { where: { id: failedA.id } });
    assert.equal(await retryFailed({ resourceLinkId: g.resourceLinkId }), 2);
    assert.deepEqual(
      [(await reload(failedA)).status, (await reload(failedB)).status, (await reload(sent)).status],
      ['pending', 'pending', 'sent'],
    );
  });

  it('validates what retryFailed is given', async () => {
    for (const bad of [{}, { id: -1 }, { id: 1.5 }, { resourceLinkId: '3' }, { id: 1, extra: true }]) {
      assert.equal(retryFailedInput.safeParse(bad).success, false, JSON.stringify(bad));
      await assert.rejects(retryFailed(bad as never));
    }
  });

  it('summarises the outbox: counts per status and the oldest pending row', async () => {
    const before = await outboxSummary();
    const g = await gradedLink(t);
    const stranger = await platformUser(t, '999');
    await queueScore(t, g, { scoreGiven: 1 });
    await queueScore(t, g, { scoreGiven: 2 });
    await queueScore(t, { resourceLinkId: g.resourceLinkId, userId: stranger }, { scoreGiven: 3 });
    await testWorker(t, [g.resourceLinkId]).runOnce();
    const waiting = await queueScore(t, await gradedLink(t), { scoreGiven: 4 });
    const after = await outboxSummary();
    assert.deepEqual(
      {
        pending: after.pending - before.pending,
        sent: after.sent - before.sent,
        failed: after.failed - before.failed,
        superseded: after.superseded - before.superseded,
        conflict: after.conflict - before.conflict,
      },
      { pending: 1, sent: 1, failed: 1, superseded: 1, conflict: 0 },
    );
    assert.ok(after.oldestPendingAt && after.oldestPendingAt.getTime() <= waiting.createdAt.getTime());
  });
});

describe('grade outbox: probe delays of a failing platform', () => {
  const options = { baseDelayMs: 1000, maxDelayMs: 20_000 };

  it('grows exponentially with jitter (three quarters to all of the step), never beyond the cap', () => {
    assert.equal(
      probeDelayMs(1, options, undefined, () => 0),
      750,
    );
    assert.equal(
      probeDelayMs(1, options, undefined, () => 0.999_999),
      999,
    );
    assert.equal(
      probeDelayMs(3, options, undefined, () => 0.5),
      3500,
    );
    assert.equal(
      probeDelayMs(10, options, undefined, () => 0.999_999),
      19_999,
      'capped at maxDelayMs',
    );
    assert.equal(
      probeDelayMs(10, options, undefined, () => 0),
      15_000,
      'at least three quarters of the cap once there',
    );
    const spread = new Set(Array.from({ length: 50 }, () => probeDelayMs(4, options)));
    assert.ok(spread.size > 10, 'random delays spread instances apart');
    for (const delay of spread) assert.ok(delay >= 6000 && delay < 8000);
  });

  it('waits for Retry-After when it is longer, within a day', () => {
    assert.equal(
      probeDelayMs(1, options, 120, () => 0.5),
      120_000,
    );
    assert.equal(
      probeDelayMs(5, options, 1, () => 0.5),
      14_000,
      'the backoff when it is longer',
    );
    assert.equal(
      probeDelayMs(1, options, 10 * 24 * 3600, () => 0.5),
      24 * 3600_000,
    );
  });
});
