import { z } from 'zod';
import type { LocalizedText, Question } from './content-pack.schema';
import { roundScore } from '../grades/score-format';
import { textLength } from './assessment/text-length';
import type { ChecklistStep, KnowledgeCheckStep, ModulePack, PackStep, ReflectionStep } from './content-pack';

/**
 * Grading of module steps. Pure functions of the pack and the trainee's answers, run on the
 * server only: correct options and feedback never reach the browser before an answer is in.
 *
 * Answers per step kind (what the browser submits, see stepAnswerSchema):
 * - knowledge-check: `{ [questionId]: optionId }` for single, `{ [questionId]: optionId[] }` for multiple
 * - reflection: `{ text }`; checklist: `{ checked: itemId[] }`; reading: `{}`
 */

export type QuestionOutcome = 'correct' | 'partial' | 'incorrect' | 'unanswered';

/** One question after grading: what was chosen, and per option whether it was right and why. */
export type QuestionResult = {
  questionId: string;
  points: number;
  maxPoints: number;
  outcome: QuestionOutcome;
  selected: string[];
  /** How many times the question was checked (immediate behaviour; 1 otherwise). */
  tries: number;
  options: { id: string; selected: boolean; correct: boolean; feedback: LocalizedText }[];
};

export type KnowledgeCheckResult = { points: number; maxPoints: number; questions: QuestionResult[] };

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Distinct strings of an answer; anything of another type makes the answer invalid (null). */
function selectionOf(question: Question, answer: unknown): string[] | null {
  if (answer === undefined || answer === null) return [];
  if (question.type === 'single') return typeof answer === 'string' ? [answer] : null;
  if (!Array.isArray(answer) || !answer.every((a) => typeof a === 'string')) return null;
  return [...new Set(answer as string[])];
}

/**
 * Grades one question. Single choice: all points for the correct option, none otherwise.
 * Multiple choice: points x (right choices - wrong choices) / correct options, at least 0, so a
 * wrong tick cancels a right one and ticking everything never pays; an option id the question
 * does not have is a wrong choice.
 */
export function gradeQuestion(question: Question, answer: unknown, tries = 1, penalty = 0): QuestionResult {
  const valid = selectionOf(question, answer);
  const selection = valid ?? [];
  const correctIds = new Set(question.options.filter((o) => o.correct).map((o) => o.id));
  const right = selection.filter((id) => correctIds.has(id)).length;
  const wrong = selection.length - right;
  const fraction =
    selection.length === 0
      ? 0
      : question.type === 'single'
        ? right === 1 && wrong === 0
          ? 1
          : 0
        : Math.max(0, (right - wrong) / correctIds.size);
  // Each try after the first costs `penalty` of the question's points (Moodle's interactive behaviour).
  const earned = Math.max(0, fraction - penalty * Math.max(0, tries - 1));
  const outcome: QuestionOutcome =
    valid === null
      ? 'incorrect'
      : selection.length === 0
        ? 'unanswered'
        : fraction === 1
          ? 'correct'
          : fraction > 0
            ? 'partial'
            : 'incorrect';
  return {
    questionId: question.id,
    points: round2(question.points * earned),
    maxPoints: question.points,
    outcome,
    selected: selection,
    tries,
    options: question.options.map((o) => ({
      id: o.id,
      selected: selection.includes(o.id),
      correct: o.correct,
      feedback: o.feedback,
    })),
  };
}

/** Tries per question of an immediate-behaviour check (absent: one try each) and the penalty per extra try. */
export type TriesTaken = { tries: Readonly<Record<string, number>>; penalty: number };

/** Grades a knowledge check; `answers` may be anything the browser sent (bad parts score 0). */
export function gradeKnowledgeCheck(
  step: KnowledgeCheckStep,
  answers: unknown,
  taken?: TriesTaken,
): KnowledgeCheckResult {
  const byQuestion =
    answers !== null && typeof answers === 'object' && !Array.isArray(answers)
      ? (answers as Record<string, unknown>)
      : {};
  const questions = step.questions.map((q) =>
    gradeQuestion(
      q,
      Object.hasOwn(byQuestion, q.id) ? byQuestion[q.id] : undefined,
      taken?.tries[q.id] ?? 1,
      taken?.penalty ?? 0,
    ),
  );
  return {
    points: round2(questions.reduce((sum, q) => sum + q.points, 0)),
    maxPoints: round2(questions.reduce((sum, q) => sum + q.maxPoints, 0)),
    questions,
  };
}

function reflectionText(answer: unknown): string {
  const text = answer !== null && typeof answer === 'object' ? (answer as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text.trim() : '';
}

function checkedItems(step: ChecklistStep, answer: unknown): string[] {
  const checked = answer !== null && typeof answer === 'object' ? (answer as { checked?: unknown }).checked : undefined;
  if (!Array.isArray(checked)) return [];
  const known = new Set(step.items.map((i) => i.id));
  return [...new Set(checked.filter((id): id is string => typeof id === 'string' && known.has(id)))];
}

/** Whether a reflection is long enough: counted in characters as a reader sees them (graphemes). */
export function reflectionMeetsMinimum(step: ReflectionStep, answer: unknown): boolean {
  return textLength(reflectionText(answer)) >= step.minLength;
}

/**
 * Points of one step toward the module score. Reading never counts; a counting reflection earns
 * its points when long enough; a counting checklist earns its points in proportion to the items
 * ticked; a knowledge check earns what its questions earn. Steps that do not count give 0 of 0.
 */
export function stepPoints(step: PackStep, answer: unknown, taken?: TriesTaken): { points: number; maxPoints: number } {
  if (!step.counts) return { points: 0, maxPoints: 0 };
  switch (step.kind) {
    case 'knowledge-check': {
      const { points, maxPoints } = gradeKnowledgeCheck(step, answer, taken);
      return { points, maxPoints };
    }
    case 'reflection':
      return { points: reflectionMeetsMinimum(step, answer) ? step.points : 0, maxPoints: step.points };
    case 'checklist':
      return {
        points: round2((step.points * checkedItems(step, answer).length) / step.items.length),
        maxPoints: step.points,
      };
    default:
      return { points: 0, maxPoints: 0 };
  }
}

/** The module score in percent (0-100, two decimals) of the points of the steps that count. */
export function scoreOf(
  pack: ModulePack,
  answersByStep: Readonly<Record<string, unknown>>,
  triesByStep: Readonly<Record<string, Record<string, number>>> = {},
): number {
  let points = 0;
  let maxPoints = 0;
  for (const step of pack.steps) {
    const tries = Object.hasOwn(triesByStep, step.id) ? triesByStep[step.id] : {};
    const result = stepPoints(step, Object.hasOwn(answersByStep, step.id) ? answersByStep[step.id] : undefined, {
      tries,
      penalty: pack.assessment.penalty,
    });
    points += result.points;
    maxPoints += result.maxPoints;
  }
  return maxPoints === 0 ? 0 : roundScore((100 * points) / maxPoints);
}

/**
 * The grade to send to the platform for a percent score: scaled to the module's scoreMaximum and
 * not rounded again (only float noise is cut), so the platform's percentage is the percent Silta
 * shows everywhere (91.67 % of 10 is 9.167, not 9.17 = 91.7 %).
 */
export function scoreGivenOf(pack: ModulePack, percent: number): number {
  return Math.round(((pack.scoreMaximum * percent) / 100) * 1e6) / 1e6;
}

/** Whether a percent score reaches the module's pass threshold. */
export function hasPassed(pack: ModulePack, percent: number): boolean {
  return percent >= pack.passThreshold;
}

const nonEmptyIds = (ids: string[]) => z.enum(ids as [string, ...string[]]);

/**
 * The zod schema of what the browser may submit for a step: right shape, known ids, bounded
 * size. Routes validate with it before saving; grading stays total for anything stored earlier.
 */
export function stepAnswerSchema(step: PackStep): z.ZodType {
  switch (step.kind) {
    case 'knowledge-check':
      return z.strictObject(
        Object.fromEntries(
          step.questions.map((q) => {
            const ids = nonEmptyIds(q.options.map((o) => o.id));
            const schema =
              q.type === 'single'
                ? ids
                : z
                    .array(ids)
                    .max(q.options.length)
                    .refine((a) => new Set(a).size === a.length, 'duplicate option');
            return [q.id, schema.optional()];
          }),
        ),
      );
    case 'reflection':
      // Length in characters as the reader counts them; the raw cap only bounds the request size.
      return z.strictObject({
        text: z
          .string()
          .max(step.maxLength * 8)
          .refine((text) => textLength(text) <= step.maxLength, { message: `at most ${step.maxLength} characters` }),
      });
    case 'checklist':
      return z.strictObject({ checked: z.array(nonEmptyIds(step.items.map((i) => i.id))).max(step.items.length) });
    default:
      return z.strictObject({});
  }
}
