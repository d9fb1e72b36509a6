import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES } from '../../server/i18n';
import { ROOT_DIR } from '../../server/paths';
import { ContentPackError, loadContentPacks, type ModulePack } from '../../server/domain/modules/content-pack';
import { scoreOf } from '../../server/domain/modules/content-grading';
import { publicModuleView, publicStepView } from '../../server/domain/modules/content-public.presenter';
import { lineOf, tempContentRoot, TINY, writeModules as writeFixture } from './content-pack.fixture';

/** Asserts loading fails with a problem at exactly this file and line whose message matches. */
function assertProblem(dir: string, file: string, line: number | null, message: RegExp): ContentPackError {
  let caught: unknown;
  try {
    loadContentPacks(dir);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ContentPackError, `expected a ContentPackError, got ${String(caught)}`);
  const found = caught.problems.find((p) => p.file === file && p.line === line && message.test(p.message));
  assert.ok(found, `no problem at ${file}:${line} matching ${message}; got:\n${caught.message}`);
  assert.ok(
    caught.message.includes(`${file}${line === null ? '' : `:${line}`}: ${found.message}`),
    'the thrown message lists the problem as file:line: message',
  );
  return caught;
}

const manifestOf = (dir: string, slug = 'tiny') => path.join(dir, slug, 'module.yaml');

/** Every property name anywhere in a JSON-like value. */
function keysIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysIn(inner)]);
}

describe('content packs', () => {
  const tmp = tempContentRoot();
  const writeModules = (packs: Record<string, string>, options?: Parameters<typeof writeFixture>[2]) =>
    writeFixture(tmp.root(), packs, options);

  describe('the shipped modules', () => {
    let packs: Map<string, ModulePack>;
    before(() => {
      packs = loadContentPacks();
    });

    it('load and validate, with the three required modules', () => {
      for (const slug of ['work-ability-service-chain', 'occupational-health-in-reform', 'client-participation'])
        assert.ok(packs.has(slug), slug);
    });

    it('have 5-8 steps mixing every kind, with titles and text in fi, sv and en', () => {
      for (const pack of packs.values()) {
        assert.ok(pack.steps.length >= 5 && pack.steps.length <= 8, `${pack.slug} has ${pack.steps.length} steps`);
        assert.deepEqual(
          new Set(pack.steps.map((s) => s.kind)),
          new Set(['reading', 'knowledge-check', 'reflection', 'checklist']),
          pack.slug,
        );
        for (const step of pack.steps) {
          for (const lang of LANGUAGES) {
            assert.ok(step.content[lang].title.length > 3, `${pack.slug}/${step.id}/${lang} title`);
            assert.match(step.content[lang].html, /<p>/, `${pack.slug}/${step.id}/${lang} body`);
          }
        }
        // Translations differ from each other: a copied English text would be caught here.
        assert.notEqual(pack.title.fi, pack.title.en);
        assert.notEqual(pack.title.sv, pack.title.en);
      }
    });

    it('score 100 for all-correct answers and 0 for none', () => {
      for (const pack of packs.values()) {
        const answers: Record<string, unknown> = {};
        for (const step of pack.steps) {
          if (step.kind === 'knowledge-check') {
            answers[step.id] = Object.fromEntries(
              step.questions.map((q) => {
                const right = q.options.filter((o) => o.correct).map((o) => o.id);
                return [q.id, q.type === 'single' ? right[0] : right];
              }),
            );
          }
          if (step.kind === 'reflection') answers[step.id] = { text: 'x'.repeat(step.minLength) };
          if (step.kind === 'checklist') answers[step.id] = { checked: step.items.map((i) => i.id) };
        }
        assert.equal(scoreOf(pack, answers), 100, pack.slug);
        assert.equal(scoreOf(pack, {}), 0, pack.slug);
      }
    });

    it('never put correct answers or feedback into the public views', () => {
      for (const pack of packs.values()) {
        const secrets = pack.steps.flatMap((s) =>
          s.kind === 'knowledge-check'
            ? s.questions.flatMap((q) => q.options.flatMap((o) => Object.values(o.feedback)))
            : [],
        );
        assert.ok(secrets.length > 0);
        for (const lang of LANGUAGES) {
          const stepViews = pack.steps.map((s) => publicStepView(pack, s.id, lang));
          const views = [publicModuleView(pack, lang), ...stepViews];
          const json = JSON.stringify(views);
          assert.deepEqual(
            keysIn(views).filter((k) => k === 'correct' || k === 'feedback'),
            [],
            `${pack.slug}/${lang}`,
          );
          for (const secret of secrets) assert.ok(!json.includes(secret), `feedback "${secret.slice(0, 30)}" leaked`);
          for (const view of stepViews) {
            if (view?.kind !== 'knowledge-check') continue;
            for (const q of view.questions)
              for (const o of q.options) assert.deepEqual(Object.keys(o).sort(), ['id', 'text']);
          }
        }
      }
    });

    it('the example in content/README.md is itself a valid pack', () => {
      const readme = fs.readFileSync(path.join(ROOT_DIR, 'content', 'README.md'), 'utf8');
      const yaml = /```yaml\n(id: example-module[\s\S]*?)```/.exec(readme)?.[1];
      assert.ok(yaml, 'the README has the example');
      const dir = writeModules(
        { 'example-module': yaml },
        { steps: ['introduction', 'check', 'my-reflection', 'to-do'] },
      );
      assert.equal(loadContentPacks(dir).get('example-module')?.steps.length, 4);
    });
  });

  describe('a broken pack is refused with its file, line and problem', () => {
    it('loads the unbroken test pack (so each case below fails for its own reason)', () => {
      const pack = loadContentPacks(writeModules({ tiny: TINY })).get('tiny');
      assert.equal(pack?.steps[3].counts, true);
      assert.equal(pack?.steps[1].counts, true, 'a knowledge check counts by default');
      assert.equal(pack?.scoreMaximum, 100, 'scoreMaximum defaults to 100');
    });

    it('a step kind that does not exist', () => {
      const yaml = TINY.replace('    kind: reflection', '    kind: essay');
      const dir = writeModules({ tiny: yaml });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(yaml, 'kind: essay'),
        /^steps\[2\]\.kind must be one of reading, knowledge-check, reflection, checklist$/,
      );
    });

    it('a missing Markdown file in one language', () => {
      const dir = writeModules({ tiny: TINY }, { omit: ['tiny/steps/sv/quiz.md'] });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(TINY, '- id: quiz'),
        /steps\[1\] \(quiz\): the Markdown file steps\/sv\/quiz\.md is missing/,
      );
    });

    it('a missing Markdown file named by `file:` points at that line', () => {
      const yaml = TINY.replace('  - id: think\n', '  - id: think\n    file: thoughts\n');
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'file: thoughts'), /steps\/fi\/thoughts\.md is missing/);
    });

    it('duplicate step ids', () => {
      const yaml = TINY.replace('  - id: list', '  - id: intro');
      const dir = writeModules({ tiny: yaml }, { steps: ['intro', 'quiz', 'think'] });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(yaml, '- id: intro', 2),
        /^steps\[3\]\.id is a duplicate step id "intro"$/,
      );
    });

    it('a single-choice question with two correct options', () => {
      const yaml = TINY.replace(
        '          - id: b\n            text: { fi: B, sv: B, en: B }\n            feedback: { fi: FB-fi',
        '          - id: b\n            correct: true\n            text: { fi: B, sv: B, en: B }\n            feedback: { fi: FB-fi',
      );
      const dir = writeModules({ tiny: yaml });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(yaml, '- id: one'),
        /^steps\[1\]\.questions\[0\] is a single-choice question and needs exactly one correct option \(found 2\)$/,
      );
    });

    it('a single-choice question with no correct option', () => {
      const yaml = TINY.replace(
        '          - id: a\n            correct: true\n            text: { fi: A, sv: A, en: A }\n            feedback: { fi: FA',
        '          - id: a\n            text: { fi: A, sv: A, en: A }\n            feedback: { fi: FA',
      );
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, '- id: one'), /needs exactly one correct option \(found 0\)/);
    });

    it('a multiple-choice question with no correct option', () => {
      const start = TINY.indexOf('- id: many');
      const yaml =
        TINY.slice(0, start) +
        TINY.slice(start).replace(/ {12}correct: true\n/g, (m, offset: number) =>
          offset < TINY.indexOf('- id: think') - start ? '' : m,
        );
      const dir = writeModules({ tiny: yaml });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(yaml, '- id: many'),
        /^steps\[1\]\.questions\[1\] is a multiple-choice question and needs at least one correct option$/,
      );
    });

    it('passThreshold out of range, above and below', () => {
      for (const value of ['120', '-5']) {
        const yaml = TINY.replace('passThreshold: 50', `passThreshold: ${value}`);
        const dir = writeModules({ tiny: yaml });
        assertProblem(dir, manifestOf(dir), lineOf(yaml, 'passThreshold'), /^passThreshold must be between 0 and 100$/);
      }
    });

    it('missing translations, in a flow map and in a block map', () => {
      const yaml = TINY.replace('text: { fi: K2, sv: F2, en: Q2 }', 'text: { fi: K2, en: Q2 }').replace(
        '  sv: Beskrivning\n',
        '',
      );
      const dir = writeModules({ tiny: yaml });
      assertProblem(
        dir,
        manifestOf(dir),
        lineOf(yaml, 'text: { fi: K2'),
        /^steps\[1\]\.questions\[1\]\.text\.sv is missing: every text needs fi, sv, en$/,
      );
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'description:'), /^description\.sv is missing/);
    });

    it('an empty translation', () => {
      const yaml = TINY.replace(
        'prompt: { fi: Mieti, sv: Fundera, en: Think }',
        'prompt: { fi: Mieti, sv: Fundera, en: "  " }',
      );
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'prompt:'), /^steps\[2\]\.prompt\.en must not be empty$/);
    });

    it('a misspelt field', () => {
      const yaml = TINY.replace('retries: false', 'retries: false\npassTreshold: 60');
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'passTreshold'), /^passTreshold is not a known field here/);
    });

    it('a reading step that claims to count', () => {
      const yaml = TINY.replace('    kind: reading', '    kind: reading\n    counts: true');
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'counts: true'), /^steps\[0\]\.counts cannot be true/);
    });

    it('an id that is not the folder name', () => {
      const dir = writeModules({ other: TINY });
      assertProblem(dir, manifestOf(dir, 'other'), 1, /^id must be the module's folder name "other" \(found "tiny"\)$/);
    });

    it('YAML syntax errors: a broken line and a key given twice', () => {
      const yaml = TINY.replace('estimatedMinutes: 5', 'estimatedMinutes: 5: 6').replace(
        'retries: false',
        'retries: false\nretries: true',
      );
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'estimatedMinutes'), /^YAML: Nested mappings are not allowed/);
      assertProblem(dir, manifestOf(dir), lineOf(yaml, 'retries: true'), /^YAML: Map keys must be unique$/);
    });

    it('a version that YAML reads as a number', () => {
      const yaml = TINY.replace('version: 1.0.0', 'version: 1.0');
      const dir = writeModules({ tiny: yaml });
      assertProblem(dir, manifestOf(dir), 2, /^version must be a text \(put it in quotes\)$/);
    });

    it('a Markdown file without a title, and one with raw HTML', () => {
      const dir = writeModules(
        { tiny: TINY },
        {
          markdown: {
            'tiny/steps/en/intro.md': 'No title here.\n',
            'tiny/steps/fi/think.md': '# Title\n\nText\n\n<div onclick="x()">hi</div>\n',
          },
        },
      );
      assertProblem(dir, path.join(dir, 'tiny/steps/en/intro.md'), 1, /must start with a level-1 heading/);
      assertProblem(dir, path.join(dir, 'tiny/steps/fi/think.md'), 5, /raw HTML is not allowed/);
    });

    it('a folder without module.yaml, listed together with the problems of other packs', () => {
      const broken = TINY.replace('passThreshold: 50', 'passThreshold: 500');
      const dir = writeModules({ tiny: broken });
      fs.mkdirSync(path.join(dir, 'empty-module'));
      const error = assertProblem(dir, path.join(dir, 'empty-module', 'module.yaml'), null, /is missing/);
      assert.ok(
        error.problems.some((p) => p.file === manifestOf(dir) && /passThreshold/.test(p.message)),
        'both packs are reported at once',
      );
    });
  });
});
