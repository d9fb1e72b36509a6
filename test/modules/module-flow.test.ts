import assert from 'node:assert/strict';
import type { ModulePack } from '../../server/domain/modules/content-pack';
import { formatScore } from '../../server/domain/grades/score-format';
import { translator } from '../../server/i18n';
import { GradeOutbox, ModuleAttempt, StepAnswer } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { attemptOf as attemptOfHelper, rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';

const COURSE = '3';
const SLUG = 'work-ability-service-chain';

describe('a trainee works through a module', () => {
  let t: TestSilta;
  let pack: ModulePack;
  let linkId: string;
  before(async () => {
    t = await testSilta();
    pack = t.packs.get(SLUG)!;
    const link = t.devPlatform.placeGradedLink(
      { courseId: COURSE, title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    linkId = link.id;
  });

  const open = (persona: 'trainee' | 'developer' = 'trainee', locale = 'fi') =>
    launchSession(t, { persona, courseId: COURSE, resourceLinkId: linkId, locale });
  const form = (lt: string, attempt: number, fields: [string, string][]) =>
    new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...fields]).toString();
  const attemptOf = (lt: string) => attemptOfHelper(t, lt);

  it('opens the module from the launch, in the launch language, with the steps and progress', async () => {
    const { location, lt } = await open('trainee', 'sv');
    assert.equal(location, `/modules?lt=${lt}`);
    const overview = await t.request().get(location).expect(200);
    assert.match(overview.text, /<html lang="sv">/);
    assert.ok(overview.text.includes(pack.title.sv));
    for (const step of pack.steps)
      assert.ok(overview.text.includes(step.content.sv.title.replace(/&/g, '&amp;')), step.id);
    assert.match(overview.text, /<progress[^>]+value="0"/);
    // The language switch works on module pages too, and sticks for the session.
    const english = await t.request().get(`/modules?lt=${lt}&lang=en`).expect(200);
    assert.match(english.text, /<html lang="en">/);
    assert.ok(english.text.includes(pack.title.en));
    assert.match(
      (await t.request().get(`/modules/steps/${pack.steps[0].id}?lt=${lt}`).expect(200)).text,
      /<html lang="en">/,
    );
  });

  it('never sends correct answers or feedback before the answer is submitted', async () => {
    const { lt } = await open();
    const check = pack.steps.find((s) => s.kind === 'knowledge-check')!;
    assert.equal(check.kind, 'knowledge-check');
    const page = await t.request().get(`/modules/steps/${check.id}?lt=${lt}`).expect(200);
    for (const question of check.kind === 'knowledge-check' ? check.questions : []) {
      for (const option of question.options)
        assert.ok(!page.text.includes(option.feedback.fi), `feedback of ${option.id} leaked`);
    }
    assert.doesNotMatch(page.text, /is-correct|is-wrong/);
  });

  it('saves every step, resumes in another launch, finishes once and queues exactly one completed grade', async () => {
    const first = await open('developer');
    const attempt = { id: await attemptOf(first.lt) };
    const [firstStep, ...rest] = pack.steps;
    await t
      .request()
      .post(`/modules/steps/${firstStep.id}`)
      .type('form')
      .send(form(first.lt, attempt.id, rightAnswer(firstStep)))
      .expect(303);

    // A new launch (another device) resumes where the trainee left off.
    const second = await open('developer');
    const overview = await t.request().get(`/modules?lt=${second.lt}`).expect(200);
    assert.ok(
      overview.text.includes(`/modules/steps/${rest[0].id}?lt=${second.lt}" aria-current="step"`),
      'the next step is current',
    );

    for (const step of rest) {
      const saved = await t
        .request()
        .post(`/modules/steps/${step.id}`)
        .type('form')
        .send(form(second.lt, attempt.id, rightAnswer(step)))
        .expect(303);
      if (step.kind === 'knowledge-check') {
        // Deferred (the default): no correctness before the attempt is finished.
        const page = await t.request().get(`/modules/steps/${step.id}?lt=${second.lt}`).expect(200);
        assert.doesNotMatch(page.text, /is-correct|is-wrong/, 'no feedback before finishing');
        assert.ok(saved.headers.location);
      }
    }
    await t
      .request()
      .post('/modules/complete')
      .type('form')
      .send(form(second.lt, attempt.id, []))
      .expect(303);
    // Finishing again (double click, second tab) changes nothing.
    await t
      .request()
      .post('/modules/complete')
      .type('form')
      .send(form(second.lt, attempt.id, []))
      .expect(303);
    const summary = await t.request().get(`/modules/summary?lt=${second.lt}`).expect(200);
    assert.ok(summary.text.includes(translator('fi')('assessment.your_score', { score: formatScore(100, 'fi') })));
    const review = await t.request().get(`/modules/review?lt=${second.lt}`).expect(200);
    assert.match(review.text, /is-correct/, 'the review shows what was right once the attempt is finished');

    const rows = await GradeOutbox.findAll({ where: { attemptId: attempt.id } });
    assert.equal(rows.length, 1);
    assert.deepEqual(
      {
        given: rows[0].scoreGiven,
        max: rows[0].scoreMaximum,
        activity: rows[0].activityProgress,
        grading: rows[0].gradingProgress,
        status: rows[0].status,
      },
      {
        given: pack.scoreMaximum,
        max: pack.scoreMaximum,
        activity: 'Completed',
        grading: 'FullyGraded',
        status: 'pending',
      },
    );
    const after = await ModuleAttempt.findByPk(attempt.id);
    assert.ok(after!.timeSpentSeconds >= 0);
    assert.equal(after!.status, 'completed');
    assert.equal(after!.scorePercent, 100);
  });

  it('refuses to finish while steps are unanswered', async () => {
    const { lt } = await open('trainee', 'en');
    const attempt = await attemptOf(lt);
    const response = await t
      .request()
      .post('/modules/complete')
      .type('form')
      .set('Accept', 'application/json')
      .send(form(lt, attempt, []))
      .expect(409);
    assert.equal(response.body.error.code, 'steps_unanswered');
    assert.equal(await GradeOutbox.count({ where: { attemptId: attempt } }), 0);
  });

  describe('bad input changes nothing', () => {
    let lt: string;
    let attempt: number;
    before(async () => {
      ({ lt } = await open('trainee', 'en'));
      attempt = await attemptOf(lt);
    });
    const post = (path: string, fields: string) =>
      t.request().post(path).type('form').set('Accept', 'application/json').send(fields);
    const answersNow = () => StepAnswer.count();

    it('an answer for a step that does not exist', async () => {
      const before = await answersNow();
      const response = await post('/modules/steps/no-such-step', form(lt, attempt, [['text', 'x']])).expect(404);
      assert.equal(response.body.error.code, 'step_not_found');
      assert.equal(await answersNow(), before);
    });

    it("an answer for another user's attempt", async () => {
      const other = await open('developer');
      const othersAttempt = await attemptOf(other.lt);
      const step = pack.steps[0];
      const before = await answersNow();
      const response = await post(`/modules/steps/${step.id}`, form(lt, othersAttempt, rightAnswer(step))).expect(403);
      assert.equal(response.body.error.code, 'forbidden');
      assert.equal(await answersNow(), before);
    });

    it('answers of the wrong type or size', async () => {
      const check = pack.steps.find((s) => s.kind === 'knowledge-check')!;
      const reflection = pack.steps.find((s) => s.kind === 'reflection')!;
      const before = await answersNow();
      for (const [stepId, fields] of [
        [check.id, [[`q_${check.kind === 'knowledge-check' ? check.questions[0].id : ''}`, 'no-such-option']]],
        [reflection.id, [['text', 'x'.repeat(25_000)]]],
        [reflection.id, [['text', 'liian lyhyt']]],
      ] as [string, [string, string][]][]) {
        const response = await post(`/modules/steps/${stepId}`, form(lt, attempt, fields));
        assert.ok([400, 413].includes(response.status), `${stepId}: ${response.status}`);
      }
      const missing = await post(`/modules/steps/${check.id}`, `lt=${lt}&attempt=abc`).expect(400);
      assert.equal(missing.body.error.code, 'validation_failed');
      assert.equal(await answersNow(), before);
    });

    it('a launch whose link names a module that does not exist (removed later, or forged)', async () => {
      const link = t.devPlatform.placeLink({
        courseId: COURSE,
        title: 'Vanha moduuli',
        custom: { target: 'module', module: 'removed-module' },
      });
      const { lt: gone } = await launchSession(t, {
        persona: 'trainee',
        courseId: COURSE,
        resourceLinkId: link.id,
        locale: 'fi',
      });
      const page = await t.request().get(`/modules?lt=${gone}`).expect(404);
      assert.match(page.text, /<html lang="fi">/);
      assert.ok(page.text.includes(translator('fi')('errors.module_not_found')));
    });
  });
});
