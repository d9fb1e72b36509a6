import assert from 'node:assert/strict';
import { GradeOutbox, LaunchSession } from '../../server/store/models';
import { platformItemId, recordScorePosts, testClock, testWorker } from '../grades/grade-fixtures';
import { launchSession } from '../helpers/launch';
import { attemptOf, rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';

const SLUG = 'occupational-health-in-reform';

// Issue 3, done when: a trainee launches, completes a module, and exactly one completed score
// with the right values reaches the platform, even with the platform failing for a while and
// the grade worker (a restarted Silta) replaced in the middle.
describe('a finished module reaches the platform exactly once', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('through failures and a worker restart', async () => {
    const pack = t.packs.get(SLUG)!;
    const link = t.devPlatform.placeGradedLink(
      { courseId: '2', title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    const { lt } = await launchSession(t, { persona: 'trainee', courseId: '2', resourceLinkId: link.id });
    const attempt = await attemptOf(t, lt);
    for (const step of pack.steps) {
      await t
        .request()
        .post(`/modules/steps/${step.id}`)
        .type('form')
        .send(new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...rightAnswer(step)]).toString())
        .expect(303);
    }
    await t.request().post('/modules/complete').type('form').send(`lt=${lt}&attempt=${attempt}`).expect(303);
    const resourceLinkId = (await LaunchSession.findByPk(lt))!.resourceLinkId!;

    const posts = recordScorePosts(t.devPlatform);
    const clock = testClock();
    try {
      t.devPlatform.failNext({ status: 503, times: 2 });
      const first = testWorker(t, [resourceLinkId], { now: clock.now });
      await first.runOnce();
      await first.stop();
      const queued = (await GradeOutbox.findOne({ where: { resourceLinkId } }))!;
      assert.equal(queued.status, 'pending', 'kept for a retry after the 503');
      assert.equal(queued.tries, 1);

      // "Restart": a new worker on the same database, after the backoff, platform still failing once.
      clock.advance(60_000);
      const second = testWorker(t, [resourceLinkId], { now: clock.now });
      await second.runOnce();
      clock.advance(60_000);
      await second.runOnce();
      await second.runOnce();
      await second.stop();

      const row = (await GradeOutbox.findOne({ where: { resourceLinkId } }))!;
      assert.equal(row.status, 'sent');
      const delivered = posts.to(platformItemId(row.lineItemUrl ?? `/lineitems/${link.lineItemId}/lineitem`));
      assert.equal(delivered.filter((p) => p.status === 200).length, 1, 'one score accepted');
      assert.equal(delivered.length, 1, 'and no other score POST reached the gradebook');
      const stored = t.devPlatform.gradebook.scores.get(link.lineItemId!)!.get('101')!;
      assert.deepEqual(
        {
          given: stored.scoreGiven,
          max: stored.scoreMaximum,
          activity: stored.activityProgress,
          grading: stored.gradingProgress,
        },
        { given: pack.scoreMaximum, max: pack.scoreMaximum, activity: 'Completed', grading: 'FullyGraded' },
      );
    } finally {
      posts.restore();
    }
  });
});
