import assert from 'node:assert/strict';
import {
  formatNumber,
  formatScore,
  formatScoreNumber,
  percentOfGrade,
  roundScore,
} from '../../server/domain/grades/score-format';
import { checkKnowledgeAnswer, StepAnswerRefused } from '../../server/domain/modules/assessment/behaviour';
import { optionOrder } from '../../server/domain/modules/assessment/shuffle';
import { textLength } from '../../server/domain/modules/assessment/text-length';
import { loadContentPacks, type KnowledgeCheckStep, type ModulePack } from '../../server/domain/modules/content-pack';
import { moduleManifestSchema } from '../../server/domain/modules/content-pack.schema';
import { csvField, csvSeparatorFor, toCsv } from '../../server/http/csv';
import { SiltaError } from '../../server/errors';

const packs = loadContentPacks();
const pack = packs.get('work-ability-service-chain')!;
const check = pack.steps.find((s) => s.kind === 'knowledge-check') as KnowledgeCheckStep;

describe('assessment: shuffle, counting, behaviours and the score format', () => {
  it('orders options by the attempt seed: stable for a seed, different across seeds, off with shuffle: false', () => {
    const once = optionOrder(1234, 'step', 'q', 6, true);
    assert.deepEqual(optionOrder(1234, 'step', 'q', 6, true), once);
    assert.deepEqual([...once].sort(), [0, 1, 2, 3, 4, 5]);
    const seeds = Array.from({ length: 20 }, (_, i) => optionOrder(i + 1, 'step', 'q', 6, true).join());
    assert.ok(new Set(seeds).size > 10, 'seeds give different orders');
    assert.notDeepEqual(optionOrder(1234, 'step', 'other', 6, true), once, 'questions differ within one attempt');
    assert.deepEqual(optionOrder(1234, 'step', 'q', 6, false), [0, 1, 2, 3, 4, 5]);
  });

  it('counts user-perceived characters, trimmed', () => {
    assert.equal(textLength('e\u0301'.repeat(5)), 5);
    assert.equal(textLength('\u{1F44D}\u{1F3FD}\u{1F1EB}\u{1F1EE}'), 2, 'an emoji with a skin tone and a flag');
    assert.equal(textLength('  äö \n'), 2);
  });

  it('formats one score for each language, rounded once to two decimals', () => {
    assert.equal(roundScore(91.6666), 91.67);
    assert.deepEqual(
      ['fi', 'sv', 'en'].map((l) => formatScore(91.6666, l as 'fi')),
      ['91,67\u00a0%', '91,67\u00a0%', '91.67%'],
    );
    assert.deepEqual(
      ['fi', 'sv', 'en'].map((l) => formatScoreNumber(100, l as 'fi')),
      ['100', '100', '100'],
    );
    assert.equal(formatNumber(2.5, 'sv'), '2,5');
    assert.equal(percentOfGrade(9.167, 10), 91.67);
  });

  it('writes CSV for fi and sv with ";" and quotes a field that holds the separator', () => {
    assert.equal(csvSeparatorFor('fi'), ';');
    assert.equal(csvSeparatorFor('en'), ',');
    assert.equal(csvField('91,67', ';'), '91,67');
    assert.equal(csvField('a;b', ';'), '"a;b"');
    assert.equal(toCsv([['x', '1,5']], ';'), '\uFEFFx;1,5\r\n');
  });

  it('immediate: a question is final when right or out of tries; final answers cannot change; empty is refused', () => {
    const immediate: ModulePack = { ...pack, assessment: { behaviour: 'immediate', tries: 2, penalty: 0.25 } };
    const q = check.questions[0];
    const wrongId = q.options.find((o) => !o.correct)!.id;
    const rightAll = Object.fromEntries(
      check.questions.map((x) => [
        x.id,
        x.type === 'single'
          ? x.options.find((o) => o.correct)!.id
          : x.options.filter((o) => o.correct).map((o) => o.id),
      ]),
    );
    assert.throws(
      () => checkKnowledgeAnswer({ pack: immediate, step: check, submitted: {}, previous: null }),
      (e: unknown) => e instanceof StepAnswerRefused && e.fields.length === check.questions.length,
    );
    const first = checkKnowledgeAnswer({
      pack: immediate,
      step: check,
      submitted: { ...rightAll, [q.id]: wrongId },
      previous: null,
    });
    assert.deepEqual(first.states![q.id], { tries: 1, final: false });
    assert.equal(first.stepFinal, false);
    const second = checkKnowledgeAnswer({
      pack: immediate,
      step: check,
      submitted: { [q.id]: wrongId },
      previous: { answer: first.answer, states: first.states! },
    });
    assert.deepEqual(second.states![q.id], { tries: 2, final: true });
    assert.equal(second.stepFinal, true);
    assert.deepEqual(second.answer, first.answer, 'final questions keep their stored answer');
    assert.throws(
      () =>
        checkKnowledgeAnswer({
          pack: immediate,
          step: check,
          submitted: rightAll,
          previous: { answer: second.answer, states: second.states! },
        }),
      (e: unknown) => e instanceof SiltaError && e.code === 'answer_final',
    );
  });

  it('reads `assessment` from module.yaml with deferred as the default, and refuses nonsense', () => {
    const base = {
      id: 'x',
      version: '1.0.0',
      title: { fi: 'a', sv: 'a', en: 'a' },
      description: { fi: 'a', sv: 'a', en: 'a' },
      estimatedMinutes: 5,
      passThreshold: 50,
      retries: true,
      steps: [{ id: 's', kind: 'reflection', counts: true, minLength: 1, prompt: { fi: 'a', sv: 'a', en: 'a' } }],
    };
    assert.deepEqual(moduleManifestSchema.parse(base).assessment, { behaviour: 'deferred', tries: 1, penalty: 0 });
    assert.deepEqual(
      moduleManifestSchema.parse({ ...base, assessment: { behaviour: 'immediate', tries: 3, penalty: 0.1 } })
        .assessment,
      { behaviour: 'immediate', tries: 3, penalty: 0.1 },
    );
    for (const bad of [
      { behaviour: 'adaptive' },
      { behaviour: 'immediate', tries: 0 },
      { behaviour: 'immediate', penalty: 2 },
      { behaviour: 'deferred', tries: 3 },
      { behaviour: 'immediate', retries: 1 },
    ]) {
      assert.equal(moduleManifestSchema.safeParse({ ...base, assessment: bad }).success, false, JSON.stringify(bad));
    }
  });

  it('shipped feedback does not repeat the outcome the page already states ("Correct. Right.")', () => {
    const outcomeWord = /^(Ei|Kyllä|Oikein|Väärin|Nej|Ja|Rätt|Fel|No|Yes|Right|Wrong|Correct|Incorrect)[.,!]/;
    for (const p of packs.values()) {
      for (const step of p.steps) {
        if (step.kind !== 'knowledge-check') continue;
        for (const q of step.questions)
          for (const o of q.options)
            for (const text of Object.values(o.feedback))
              assert.doesNotMatch(text, outcomeWord, `${p.slug}/${step.id}/${q.id}/${o.id}`);
      }
    }
  });
});
