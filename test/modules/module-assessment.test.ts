import assert from 'node:assert/strict';
import { formatScore, formatScoreNumber, percentOfGrade } from '../../server/domain/grades/score-format';
import type { Assessment, Question } from '../../server/domain/modules/content-pack.schema';
import type { KnowledgeCheckStep, ModulePack, PackStep } from '../../server/domain/modules/content-pack';
import { translator, type Language } from '../../server/i18n';
import { GradeOutbox, ModuleAttempt, StepAnswer } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { attemptOf as attemptOfHelper, rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CONTENT_MODULES_DIR } from '../../server/domain/modules/content-pack';
import { publishVersion } from '../../server/domain/modules/versions/module-versions.service';
import { readPackFolder } from '../../server/domain/modules/versions/pack-source';

const COURSE = '3';
const SLUG = 'work-ability-service-chain';

/** Text as Handlebars writes it into a page. */
const html = (text: string) =>
  text.replace(
    /[&<>"'`=]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!,
  );
const wrong = (q: Question) => q.options.find((o) => !o.correct)!.id;
const right = (q: Question) => q.options.filter((o) => o.correct).map((o) => o.id);
/** Form fields answering each question of a check: `pick` chooses the option ids. */
const fields = (step: KnowledgeCheckStep, pick: (q: Question, index: number) => string[]) =>
  step.questions.flatMap((q, i) => pick(q, i).map((id): [string, string] => [`q_${q.id}`, id]));

/** Nothing in the raw HTML that tells which option is correct: no feedback, no marker in a tag. */
function assertNothingRevealed(
  page: string,
  step: KnowledgeCheckStep,
  lang: Language,
  questionIds = step.questions.map((q) => q.id),
) {
  for (const q of step.questions.filter((x) => questionIds.includes(x.id))) {
    for (const o of q.options) assert.ok(!page.includes(html(o.feedback[lang])), `feedback of ${q.id}/${o.id} leaked`);
  }
  if (questionIds.length === step.questions.length) {
    assert.doesNotMatch(page, /is-correct|is-wrong/);
    for (const tag of page.match(/<[^>]+>/g) ?? [])
      assert.doesNotMatch(tag, /correct|right|wrong/i, `marker in ${tag}`);
  }
}

/** The option ids of each question, in the order the page shows them. */
const shownOrder = (page: string, step: KnowledgeCheckStep) =>
  step.questions
    .map((q) => [...page.matchAll(new RegExp(`id="q-${q.id}-([a-z0-9-]+)"`, 'g'))].map((m) => m[1]).join(','))
    .join('|');

describe('assessment behaviours: knowledge checks that cannot be gamed', () => {
  let t: TestSilta;
  let pack: ModulePack;
  let deferredLink: string;
  let actorsCheck: KnowledgeCheckStep;
  let chainCheck: KnowledgeCheckStep;

  /** A module link showing the pack with another assessment behaviour (as a module.yaml would say). */
  const variant = async (slug: string, assessment: Assessment) => {
    // Published as an admin's upload would be: the shipped pack under another id, with `assessment` set.
    const source = readPackFolder(path.join(CONTENT_MODULES_DIR, SLUG));
    const yaml = parseDocument(source['module.yaml']);
    yaml.set('id', slug);
    yaml.set('assessment', assessment);
    await publishVersion({
      sequelize: t.silta.sequelize,
      slug,
      source: { ...source, 'module.yaml': yaml.toString() },
      origin: 'upload',
      publishedBy: 'test',
    });
    return t.devPlatform.placeLink({ courseId: COURSE, title: slug, custom: { target: 'module', module: slug } }).id;
  };
  const open = (link: string, persona: 'trainee' | 'developer' | 'teacher' = 'trainee', locale = 'en') =>
    launchSession(t, { persona, courseId: COURSE, resourceLinkId: link, locale });
  const form = (lt: string, attempt: number, extra: [string, string][]) =>
    new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...extra]).toString();
  const post = (lt: string, attempt: number, stepId: string, extra: [string, string][], accept = 'text/html') =>
    t
      .request()
      .post(`/modules/steps/${stepId}`)
      .type('form')
      .set('Accept', accept)
      .send(form(lt, attempt, extra));
  const get = async (lt: string, stepId: string) =>
    (await t.request().get(`/modules/steps/${stepId}?lt=${lt}`).expect(200)).text;
  const stored = (attempt: number, stepId: string) => StepAnswer.findOne({ where: { attemptId: attempt, stepId } });
  const answerRest = async (lt: string, attempt: number, skip: string[]) => {
    for (const step of pack.steps.filter((s: PackStep) => !skip.includes(s.id)))
      await post(lt, attempt, step.id, rightAnswer(step)).expect(303);
  };

  before(async () => {
    t = await testSilta();
    pack = t.packs.get(SLUG)!;
    const link = t.devPlatform.placeGradedLink(
      { courseId: COURSE, title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    deferredLink = link.id;
    actorsCheck = pack.steps.find((s) => s.id === 'actors-check') as KnowledgeCheckStep;
    chainCheck = pack.steps.find((s) => s.id === 'chain-check') as KnowledgeCheckStep;
    assert.deepEqual(
      pack.assessment,
      { behaviour: 'deferred', tries: 1, penalty: 0 },
      'a pack without `assessment` is deferred',
    );
  });

  describe('deferred (the default)', () => {
    let lt: string;
    let attempt: number;
    /** The order of the options in the first attempt, while it was open. */
    const firstOrders: string[] = [];
    before(async () => {
      ({ lt } = await open(deferredLink, 'trainee', 'en'));
      attempt = await attemptOfHelper(t, lt);
    });

    it('refuses an empty check in place, stores nothing, and reveals nothing', async () => {
      const en = translator('en');
      assertNothingRevealed(await get(lt, actorsCheck.id), actorsCheck, 'en');
      const refused = await post(lt, attempt, actorsCheck.id, []).expect(400);
      assert.ok(
        refused.text.includes(html(en('errors.questions_unanswered', { count: actorsCheck.questions.length }))),
      );
      assert.equal(
        refused.text.split(html(en('assessment.field.question_unanswered'))).length - 1,
        actorsCheck.questions.length * 2,
        'a message at each question and in the summary',
      );
      for (const q of actorsCheck.questions)
        assert.match(refused.text, new RegExp(`<a href="#q-${q.id}-[a-z0-9-]+">`), `the summary links to ${q.id}`);
      assertNothingRevealed(refused.text, actorsCheck, 'en');
      assert.equal(await stored(attempt, actorsCheck.id), null);

      // Half an answer: refused too, and what was ticked is still ticked.
      const [first] = actorsCheck.questions;
      const half = await post(lt, attempt, actorsCheck.id, [[`q_${first.id}`, wrong(first)]]).expect(400);
      assert.match(half.text, new RegExp(`id="q-${first.id}-${wrong(first)}" checked`));
      assertNothingRevealed(half.text, actorsCheck, 'en');
      const json = await post(lt, attempt, actorsCheck.id, [], 'application/json').expect(400);
      assert.equal(json.body.error.code, 'questions_unanswered');
      assert.equal(await stored(attempt, actorsCheck.id), null);
    });

    it('keeps answers changeable and silent until the attempt is finished; the score is what the final answers earn', async () => {
      await post(lt, attempt, actorsCheck.id, fields(actorsCheck, right)).expect(303);
      // The first question of the chain check wrong, the rest right: 10 of 11 points.
      await post(
        lt,
        attempt,
        chainCheck.id,
        fields(chainCheck, (q, i) => (i === 0 ? [wrong(q)] : right(q))),
      ).expect(303);
      for (const check of [actorsCheck, chainCheck]) {
        const page = await get(lt, check.id);
        firstOrders.push(shownOrder(page, check));
        assertNothingRevealed(page, check, 'en');
        assert.ok(!page.includes(translator('en')('module.answer_again')));
      }
      await answerRest(lt, attempt, [actorsCheck.id, chainCheck.id]);
      await t
        .request()
        .post('/modules/complete')
        .type('form')
        .send(form(lt, attempt, []))
        .expect(303);
      const done = (await ModuleAttempt.findByPk(attempt))!;
      assert.equal(done.scorePercent, 90.91);

      // Crafted: the right answers posted to the finished attempt change nothing.
      const late = await post(lt, attempt, chainCheck.id, fields(chainCheck, right), 'application/json').expect(409);
      assert.equal(late.body.error.code, 'attempt_completed');
      assert.equal((await ModuleAttempt.findByPk(attempt))!.scorePercent, 90.91);
      const grades = await GradeOutbox.findAll({ where: { attemptId: attempt } });
      assert.equal(grades.length, 1);
      assert.equal(percentOfGrade(grades[0].scoreGiven, grades[0].scoreMaximum), 90.91);

      // Now final: the review shows per option what was right and why.
      const review = (await t.request().get(`/modules/review?lt=${lt}`).expect(200)).text;
      const missed = chainCheck.questions[0].options.find((o) => o.correct)!;
      assert.ok(review.includes(html(missed.feedback.en)), 'the correct option the trainee missed, with its feedback');
      assert.ok(review.includes(html(translator('en')('assessment.mark.missed'))));
      assert.match(review, /is-correct/);
    });

    it('shows the same score, formatted for the language, in the summary, the teacher view, its CSV and the grade', async () => {
      for (const lang of ['fi', 'sv', 'en'] as const) {
        const trainee = (await open(deferredLink, 'trainee', lang)).lt;
        const summary = (await t.request().get(`/modules/summary?lt=${trainee}`).expect(200)).text;
        assert.ok(
          summary.includes(html(translator(lang)('assessment.your_score', { score: formatScore(90.91, lang) }))),
          `summary in ${lang}`,
        );
        const teacher = (await open(deferredLink, 'teacher', lang)).lt;
        const view = (await t.request().get(`/modules/progress?lt=${teacher}`).expect(200)).text;
        assert.ok(view.includes(`<td>${html(formatScore(90.91, lang))}</td>`), `teacher view in ${lang}`);
        const csv = (await t.request().get(`/modules/progress.csv?lt=${teacher}`).expect(200)).text;
        const separator = lang === 'en' ? ',' : ';';
        const cells = csv.split('\r\n').flatMap((line) => line.split(separator));
        assert.ok(cells.includes(formatScoreNumber(90.91, lang)), `CSV in ${lang}`);
      }
      assert.equal(formatScore(90.91, 'fi'), '90,91\u00a0%');
      assert.equal(formatScore(90.91, 'sv'), '90,91\u00a0%');
      assert.equal(formatScore(90.91, 'en'), '90.91%');
    });

    it('starts a retry clean, with a new order of the options, and refuses the old attempt id', async () => {
      assert.equal(firstOrders.length, 2);
      assert.deepEqual(
        firstOrders.map((o) => o.split(/[|,]/).length),
        [actorsCheck, chainCheck].map((c) => c.questions.reduce((n, q) => n + q.options.length, 0)),
      );
      await t
        .request()
        .post('/modules/retry')
        .type('form')
        .send(form(lt, attempt, []))
        .expect(303);
      const fresh = await attemptOfHelper(t, lt);
      assert.notEqual(fresh, attempt);
      assert.equal(await StepAnswer.count({ where: { attemptId: fresh } }), 0);
      const [a, b] = await Promise.all([ModuleAttempt.findByPk(attempt), ModuleAttempt.findByPk(fresh)]);
      assert.notEqual(a!.shuffleSeed, b!.shuffleSeed);

      const pages = await Promise.all([actorsCheck, chainCheck].map((c) => get(lt, c.id)));
      pages.forEach((page, i) => {
        const check = [actorsCheck, chainCheck][i];
        assertNothingRevealed(page, check, 'en');
        assert.doesNotMatch(page, / checked/, 'nothing ticked in a new attempt');
      });
      const newOrders = pages.map((page, i) => shownOrder(page, [actorsCheck, chainCheck][i]));
      assert.notDeepEqual(newOrders, firstOrders, 'a new attempt, a new order');
      assert.deepEqual(
        await Promise.all([actorsCheck, chainCheck].map(async (c) => shownOrder(await get(lt, c.id), c))),
        newOrders,
        'stable within the attempt',
      );
      await t.request().get(`/modules/review?lt=${lt}`).expect(303);

      // The previous attempt's id, posted after the retry: refused, nothing stored.
      const stale = await post(lt, attempt, chainCheck.id, fields(chainCheck, right), 'application/json').expect(409);
      assert.equal(stale.body.error.code, 'attempt_changed');
      const staleRetry = await t
        .request()
        .post('/modules/retry')
        .type('form')
        .set('Accept', 'application/json')
        .send(form(lt, attempt, []))
        .expect(409);
      assert.equal(staleRetry.body.error.code, 'attempt_changed');
      assert.equal(await StepAnswer.count({ where: { attemptId: fresh } }), 0);
      assert.equal(await ModuleAttempt.count({ where: { userId: b!.userId, resourceLinkId: b!.resourceLinkId } }), 2);
    });

    it('lists the steps still without an answer as links when finishing too early', async () => {
      const { lt: other } = await open(deferredLink, 'developer', 'en');
      const id = await attemptOfHelper(t, other);
      const page = await t
        .request()
        .post('/modules/complete')
        .type('form')
        .send(form(other, id, []))
        .expect(409);
      const missing = pack.steps.filter((s) => s.kind !== 'reading');
      assert.ok(page.text.includes(html(translator('en')('errors.steps_unanswered', { count: missing.length }))));
      for (const step of missing)
        assert.ok(
          page.text.includes(
            `<a href="${html(`/modules/steps/${step.id}?lt=${other}`)}">${html(step.content.en.title)}</a>`,
          ),
          step.id,
        );
    });
  });

  describe('reflections are counted in characters as a reader sees them', () => {
    it('refuses a short text in place, keeping it, and takes one long enough whatever its code units', async () => {
      const { lt } = await open(deferredLink, 'developer', 'sv');
      const attempt = await attemptOfHelper(t, lt);
      const step = pack.steps.find((s) => s.kind === 'reflection')!;
      assert.equal(step.kind, 'reflection');
      const min = step.kind === 'reflection' ? step.minLength : 0;
      // "é" as e + a combining accent: 2 code points, 1 character; 280 letters + 10 emoji are 290.
      for (const short of ['e\u0301'.repeat(min - 1), 'a'.repeat(min - 20) + '\u{1F600}'.repeat(10)]) {
        const refused = await post(lt, attempt, step.id, [['text', short]]).expect(400);
        assert.ok(refused.text.includes(html(translator('sv')('assessment.field.reflection_too_short', { min }))));
        assert.ok(refused.text.includes(`>${short}</textarea>`), 'the text is kept');
        assert.match(refused.text, /aria-invalid="true"/);
      }
      assert.equal(await stored(attempt, step.id), null);
      await post(lt, attempt, step.id, [['text', 'a'.repeat(min - 10) + '\u{1F44D}\u{1F3FD}'.repeat(10)]]).expect(303);
      assert.ok(await stored(attempt, step.id));
    });
  });

  describe('immediate', () => {
    it('checks a step when saved, shows its feedback, and keeps that answer final', async () => {
      const link = await variant('immediate-once', { behaviour: 'immediate', tries: 1, penalty: 0 });
      const { lt } = await open(link, 'trainee', 'fi');
      const attempt = await attemptOfHelper(t, lt);
      assertNothingRevealed(await get(lt, chainCheck.id), chainCheck, 'fi');
      const saved = await post(
        lt,
        attempt,
        chainCheck.id,
        fields(chainCheck, (q, i) => (i === 0 ? [wrong(q)] : right(q))),
      ).expect(303);
      assert.equal(saved.headers.location, `/modules/steps/${chainCheck.id}?saved=1&lt=${lt}`);
      const page = (await t.request().get(saved.headers.location).expect(200)).text;
      const first = chainCheck.questions[0];
      assert.ok(
        page.includes(html(first.options.find((o) => o.id === wrong(first))!.feedback.fi)),
        'feedback of the chosen option',
      );
      assert.ok(page.includes(html(first.options.find((o) => o.correct)!.feedback.fi)), 'and of the correct one');
      assert.ok(!page.includes(html(translator('fi')('module.answer_again'))));
      assert.doesNotMatch(page, /<button type="submit"/, 'no way to answer again');
      const before = (await stored(attempt, chainCheck.id))!;
      assert.equal(before.points, 4);

      // Crafted: the right answers posted again are refused and change nothing.
      const again = await post(lt, attempt, chainCheck.id, fields(chainCheck, right), 'application/json').expect(409);
      assert.equal(again.body.error.code, 'answer_final');
      const after = (await stored(attempt, chainCheck.id))!;
      assert.deepEqual(
        [after.answer, after.points, after.questionState],
        [before.answer, before.points, before.questionState],
      );
    });

    it('with tries: reveals the correct options only after a right answer or the last try, and takes the penalty', async () => {
      const link = await variant('immediate-tries', { behaviour: 'immediate', tries: 2, penalty: 0.5 });
      const { lt } = await open(link, 'trainee', 'en');
      const attempt = await attemptOfHelper(t, lt);
      const [first, second] = chainCheck.questions;
      // Try 1: the first two questions wrong, the rest right.
      await post(
        lt,
        attempt,
        chainCheck.id,
        fields(chainCheck, (q, i) => (i < 2 ? [wrong(q)] : right(q))),
      ).expect(303);
      const page = await get(lt, chainCheck.id);
      assertNothingRevealed(page, chainCheck, 'en', [first.id, second.id]);
      assert.ok(page.includes(html(translator('en')('assessment.not_yet_right'))));
      assert.ok(page.includes(html(translator('en')('assessment.tries_left', { count: 1 }))));
      assert.ok(
        page.includes(html(chainCheck.questions[2].options.find((o) => o.correct)!.feedback.en)),
        'a right answer is final and shown',
      );
      assert.ok(page.includes(translator('en')('assessment.check_again')));

      // Try 2: the first right (half its point after the penalty), the second wrong again (0, revealed).
      await post(
        lt,
        attempt,
        chainCheck.id,
        fields(chainCheck, (q, i) => (i === 0 ? right(q) : i === 1 ? [wrong(q)] : right(q))),
      ).expect(303);
      const final = await get(lt, chainCheck.id);
      assert.ok(
        final.includes(html(second.options.find((o) => o.correct)!.feedback.en)),
        'the last try reveals the correct option',
      );
      assert.doesNotMatch(final, /<button type="submit"/);
      const row = (await stored(attempt, chainCheck.id))!;
      const total = chainCheck.questions.reduce((sum, q) => sum + q.points, 0);
      assert.equal(row.points, total - second.points - first.points * 0.5);
      assert.deepEqual(JSON.parse(row.questionState!)[first.id], { tries: 2, final: true });
    });
  });
});
