import assert from 'node:assert/strict';
import { loadContentPacks, type KnowledgeCheckStep, type ModulePack } from '../../server/domain/modules/content-pack';
import {
  gradeKnowledgeCheck,
  hasPassed,
  scoreGivenOf,
  scoreOf,
  stepAnswerSchema,
} from '../../server/domain/modules/content-grading';
import { renderMarkdown } from '../../server/domain/modules/markdown';
import { TINY, tempContentRoot, writeModules } from './content-pack.fixture';

describe('content packs: grading and Markdown', () => {
  const tmp = tempContentRoot();

  describe('grading', () => {
    let quiz: KnowledgeCheckStep;
    let pack: ModulePack;
    before(() => {
      pack = loadContentPacks(writeModules(tmp.root(), { tiny: TINY })).get('tiny') as ModulePack;
      quiz = pack.steps.find((s) => s.id === 'quiz') as KnowledgeCheckStep;
    });
    const grade = (one: unknown, many: unknown) => gradeKnowledgeCheck(quiz, { one, many });

    it('gives all points for all-right answers, with feedback per option', () => {
      const result = grade('a', ['b', 'a']);
      assert.deepEqual({ points: result.points, maxPoints: result.maxPoints }, { points: 5, maxPoints: 5 });
      assert.deepEqual(
        result.questions.map((q) => q.outcome),
        ['correct', 'correct'],
      );
      const optionA = result.questions[0].options.find((o) => o.id === 'a');
      assert.deepEqual(optionA, {
        id: 'a',
        selected: true,
        correct: true,
        feedback: { fi: 'FA-fi', sv: 'FA-sv', en: 'FA-en' },
      });
    });

    it('gives partial points for a partly right multiple-choice answer', () => {
      assert.equal(grade('a', ['a']).questions[1].points, 1.5);
      assert.equal(grade('a', ['a']).questions[1].outcome, 'partial');
      const oneWrongTick = grade('a', ['a', 'b', 'c']).questions[1];
      assert.deepEqual([oneWrongTick.points, oneWrongTick.outcome], [1.5, 'partial']);
    });

    it('gives nothing for wrong answers and for ticking everything', () => {
      assert.deepEqual([grade('b', ['c']).points, grade('b', ['c']).questions[0].outcome], [0, 'incorrect']);
      assert.equal(grade('a', ['a', 'c']).questions[1].points, 0);
      assert.equal(grade('a', ['a', 'b', 'c', 'd']).questions[1].points, 0);
    });

    it('treats unknown option ids as wrong', () => {
      assert.deepEqual([grade('zzz', []).questions[0].points, grade('zzz', []).questions[0].outcome], [0, 'incorrect']);
      assert.equal(grade('a', ['a', 'b', 'zzz']).questions[1].points, 1.5);
      assert.equal(grade('a', ['a', 'zzz']).questions[1].points, 0);
    });

    it('scores answers of the wrong type as 0 without throwing', () => {
      for (const [one, many] of [
        [['a'], 'a'],
        [1, [1, 2]],
        [{ id: 'a' }, { a: true }],
        [true, null],
      ] as const) {
        const result = grade(one, many);
        assert.equal(result.points, 0);
        assert.deepEqual(
          result.questions.map((q) => q.selected),
          [[], []],
        );
      }
      for (const answers of [null, undefined, 'a', 42, ['a'], Object.create(null)]) {
        const result = gradeKnowledgeCheck(quiz, answers);
        assert.deepEqual([result.points, result.maxPoints], [0, 5]);
        assert.ok(result.questions.every((q) => q.outcome === 'unanswered'));
      }
    });

    it('scoreOf weighs every counting step by its points', () => {
      // quiz 5 points, reflection 1, checklist 2: 8 in all.
      const all = {
        quiz: { one: 'a', many: ['a', 'b'] },
        think: { text: 'long enough text' },
        list: { checked: ['x', 'y'] },
      };
      assert.equal(scoreOf(pack, all), 100);
      const some = { quiz: { one: 'a', many: ['a'] }, think: { text: 'short' }, list: { checked: ['x', 'nope', 'x'] } };
      assert.equal(scoreOf(pack, some), 56.25); // (2 + 1.5 + 0 + 1) / 8
      assert.equal(scoreOf(pack, { ...some, think: { text: '  0123456789  ' } }), 68.75); // trimmed to 10 characters: enough
      assert.equal(scoreOf(pack, { quiz: 'nonsense', think: 7, list: { checked: 'x' } }), 0);
      assert.equal(scoreGivenOf(pack, 68.75), 68.75);
      assert.equal(hasPassed(pack, 50), true);
      assert.equal(hasPassed(pack, 49.99), false);
    });

    it('stepAnswerSchema accepts well-formed answers and refuses others', () => {
      const quizSchema = stepAnswerSchema(quiz);
      assert.ok(quizSchema.safeParse({ one: 'a', many: ['a', 'b'] }).success);
      assert.ok(quizSchema.safeParse({ one: 'a' }).success, 'an unanswered question is allowed while saving');
      for (const bad of [
        { one: 'zzz' },
        { one: ['a'] },
        { many: 'a' },
        { many: ['a', 'a'] },
        { other: 'a' },
        'a',
        null,
      ]) {
        assert.equal(quizSchema.safeParse(bad).success, false, JSON.stringify(bad));
      }
      const think = pack.steps.find((s) => s.id === 'think') as ModulePack['steps'][number];
      assert.ok(stepAnswerSchema(think).safeParse({ text: 'hello' }).success);
      assert.equal(stepAnswerSchema(think).safeParse({ text: 'x'.repeat(5001) }).success, false);
      const list = pack.steps.find((s) => s.id === 'list') as ModulePack['steps'][number];
      assert.equal(stepAnswerSchema(list).safeParse({ checked: ['x', 'q'] }).success, false);
    });
  });

  describe('Markdown rendering', () => {
    it('renders Markdown', () => {
      assert.equal(
        renderMarkdown('## Hi\n\n**bold** and *it*').trim(),
        '<h2>Hi</h2>\n<p><strong>bold</strong> and <em>it</em></p>',
      );
    });

    it('makes scripts, event handlers and javascript: links inert', () => {
      const html = renderMarkdown(
        [
          '<script>alert(1)</script>',
          'Text <img src=x onerror="alert(2)"> more',
          '<a href="javascript:alert(3)">raw</a>',
          '[md](javascript:alert(4)) [mixed](JaVaScRiPt:alert(5)) [data](data:text/html;base64,PHNjcmlwdD4=)',
          '![img](javascript:alert(6))',
          '<iframe src="https://evil.example"></iframe>',
        ].join('\n\n'),
      );
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /<img/i);
      assert.doesNotMatch(html, /<iframe/i);
      assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i, 'no tag carries an event handler');
      assert.doesNotMatch(html, /<a[^>]*href="\s*(javascript|data):/i);
      assert.match(html, /<a rel="noopener">md<\/a>/, 'the link text stays, without the script URL');
      assert.match(html, /&lt;script&gt;/, 'raw HTML is shown as text');
    });

    it('opens outside links in a new window with rel=noopener', () => {
      const html = renderMarkdown('[THL](https://thl.fi) and [here](#top)');
      assert.match(html, /<a href="https:\/\/thl\.fi" target="_blank" rel="noopener noreferrer">THL<\/a>/);
      assert.match(html, /<a href="#top" rel="noopener">here<\/a>/);
    });
  });
});
