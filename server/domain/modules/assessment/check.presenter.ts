import type { TFunction } from 'i18next';
import type { Language } from '../../../i18n';
import { formatNumber } from '../../grades/score-format';
import { gradeKnowledgeCheck } from '../content-grading';
import type { KnowledgeCheckStep, ModulePack } from '../content-pack';
import { isQuestionFinal, triesLeft, triesOf, type QuestionStates } from './behaviour';
import { optionOrder } from './shuffle';

/**
 * A knowledge check as the page shows it. Before an answer is final nothing in the result says
 * which option is correct: no class, attribute, hidden field, outcome or feedback of any option;
 * the options come in the attempt's own order. Once final (`isQuestionFinal`), every option says
 * whether it was chosen and right, with the feedback of the chosen and of the correct options.
 */

export type QuestionView = {
  id: string;
  /** Unique on a page that shows several steps. */
  key: string;
  text: string;
  multiple: boolean;
  final: boolean;
  /** Final before the attempt is finished (immediate): shown, but cannot change. */
  locked: boolean;
  outcome: string | null;
  triesLeft: number | null;
  score: string | null;
  error: string | null;
  errorId: string;
  options: {
    id: string;
    text: string;
    checked: boolean;
    review: { correct: boolean; mark: string | null; feedback: string | null } | null;
  }[];
};

export type CheckInput = {
  pack: ModulePack;
  step: KnowledgeCheckStep;
  lang: Language;
  t: TFunction;
  seed: number;
  attemptFinished: boolean;
  saved: Record<string, unknown> | undefined;
  states: QuestionStates;
  /** What the trainee sent when the form was refused: shown again as it was ticked. */
  draft?: Record<string, unknown>;
  /** Refused fields: input name → message. */
  errors?: Record<string, string>;
};

const selectionOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];

export function presentCheck(input: CheckInput): {
  questions: QuestionView[];
  allFinal: boolean;
  tried: boolean;
  score: string | null;
} {
  const { pack, step, lang, t, states } = input;
  const graded = input.saved
    ? gradeKnowledgeCheck(step, input.saved, { tries: triesOf(states), penalty: pack.assessment.penalty })
    : null;
  const immediate = pack.assessment.behaviour === 'immediate';
  const questions = step.questions.map((q, qi): QuestionView => {
    const final = graded !== null && isQuestionFinal(pack, input.attemptFinished, states, q.id);
    const result = final ? graded.questions[qi] : null;
    const source = final || !input.draft ? input.saved : input.draft;
    const chosen = selectionOf(source?.[q.id]);
    const tried = immediate && !final && (states[q.id]?.tries ?? 0) > 0;
    const order = optionOrder(input.seed, step.id, q.id, q.options.length, q.shuffle);
    return {
      id: q.id,
      key: `${step.id}-${q.id}`,
      text: q.text[lang],
      multiple: q.type === 'multiple',
      final,
      locked: final && !input.attemptFinished,
      // Between tries only how the question went, never which option was right.
      outcome: result ? t(`assessment.outcome.${result.outcome}`) : tried ? t('assessment.not_yet_right') : null,
      triesLeft: tried ? triesLeft(pack, states, q) : null,
      score: result
        ? t('assessment.question_score', {
            points: formatNumber(result.points, lang),
            max: formatNumber(result.maxPoints, lang),
          })
        : null,
      error: input.errors?.[`q_${q.id}`] ?? null,
      errorId: `q-${q.id}-error`,
      options: order.map((oi) => {
        const option = q.options[oi];
        const checked = chosen.includes(option.id);
        if (!result) return { id: option.id, text: option.text[lang], checked, review: null };
        const mark = checked
          ? option.correct
            ? 'chosen_right'
            : 'chosen_wrong'
          : option.correct
            ? 'missed'
            : 'not_chosen';
        return {
          id: option.id,
          text: option.text[lang],
          checked,
          review: {
            correct: option.correct,
            mark: mark === 'not_chosen' ? null : t(`assessment.mark.${mark}`),
            feedback: checked || option.correct ? option.feedback[lang] : null,
          },
        };
      }),
    };
  });
  const allFinal = questions.every((q) => q.final);
  return {
    questions,
    allFinal,
    tried: step.questions.some((q) => (states[q.id]?.tries ?? 0) > 0),
    score:
      allFinal && graded
        ? t('assessment.step_score', {
            points: formatNumber(graded.points, lang),
            max: formatNumber(graded.maxPoints, lang),
          })
        : null,
  };
}
