import { z } from 'zod';
import type { LocalizedText, Question } from './content-pack.schema';
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
export function gradeQuestion(question: Question, answer: unknown): QuestionResult {
  const valid = selectionOf(question, answer);
  const selection = valid ?? [];
  const correctIds = new Set(question.options.filter((o) => o.correct).map((o) => o.id));
  const right = selection.filter((id) => correctIds.has(id)).length;
  const wrong = selection.length - right;
  const fraction = selection.length === 0 ? 0 : question.type === 'single' ? (right === 1 && wrong === 0 ? 1 : 0) : Math.max(0, (right - wrong) / correctIds.size);
  const outcome: QuestionOutcome = valid === null ? 'incorrect' : selection.length === 0 ? 'unanswered' : fraction === 1 ? 'correct' : fraction > 0 ? 'partial' : 'incorrect';
  return {
    questionId: question.id,
    points: round2(question.points * fraction),
    maxPoints: question.points,
    outcome,
    selected: selection,
    options: question.options.map((o) => ({ id: o.id, selected: selection.includes(o.id), correct: o.correct, feedback: o.feedback })),
  };
}

/** Grades a knowledge check; `answers` may be anything the browser sent (bad parts score 0). */
export function gradeKnowledgeCheck(step: KnowledgeCheckStep, answers: unknown): KnowledgeCheckResult {
  const byQuestion = answers !== null && typeof answers === 'object' && !Array.isArray(answers) ? (answers as Record<string, unknown>) : {};
  const questions = step.questions.map((q) => gradeQuestion(q, Object.hasOwn(byQuestion, q.id) ? byQuestion[q.id] : undefined));
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

/** Whether a reflection is long enough: counted in characters as a reader sees them. */
export function reflectionMeetsMinimum(step: ReflectionStep, answer: unknown): boolean {
  return [...reflectionText(answer)].length >= step.minLength;
}

/**
 * Points of one step toward the module score. Reading never counts; a counting reflection earns
 * its points when long enough; a counting checklist earns its points in proportion to the items
 * ticked; a knowledge check earns what its questions earn. Steps that do not count give 0 of 0.
 */
export function stepPoints(step: PackStep, answer: unknown): { points: number; maxPoints: number } {
  if (!step.counts) return { points: 0, maxPoints: 0 };
  switch (step.kind) {
    case 'knowledge-check': {
      const { points, maxPoints } = gradeKnowledgeCheck(step, answer);
      return { points, maxPoints };
    }
    case 'reflection':
      return { points: reflectionMeetsMinimum(step, answer) ? step.points : 0, maxPoints: step.points };
    case 'checklist':
      return { points: round2((step.points * checkedItems(step, answer).length) / step.items.length), maxPoints: step.points };
    default:
      return { points: 0, maxPoints: 0 };
  }
}

/** The module score in percent (0-100, two decimals) of the points of the steps that count. */
export function scoreOf(pack: ModulePack, answersByStep: Readonly<Record<string, unknown>>): number {
  let points = 0;
  let maxPoints = 0;
  for (const step of pack.steps) {
    const result = stepPoints(step, Object.hasOwn(answersByStep, step.id) ? answersByStep[step.id] : undefined);
    points += result.points;
    maxPoints += result.maxPoints;
  }
  return maxPoints === 0 ? 0 : round2((100 * points) / maxPoints);
}

/** The grade to send to the platform for a percent score: scaled to the module's scoreMaximum. */
export function scoreGivenOf(pack: ModulePack, percent: number): number {
  return round2((pack.scoreMaximum * percent) / 100);
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
            const schema = q.type === 'single' ? ids : z.array(ids).max(q.options.length).refine((a) => new Set(a).size === a.length, 'duplicate option');
            return [q.id, schema.optional()];
          }),
        ),
      );
    case 'reflection':
      return z.strictObject({ text: z.string().max(step.maxLength) });
    case 'checklist':
      return z.strictObject({ checked: z.array(nonEmptyIds(step.items.map((i) => i.id))).max(step.items.length) });
    default:
      return z.strictObject({});
  }
}
