import { SiltaError } from '../../../errors';
import { gradeKnowledgeCheck, gradeQuestion } from '../content-grading';
import type { KnowledgeCheckStep, ModulePack } from '../content-pack';
import type { Question } from '../content-pack.schema';

/**
 * The rules of the assessment behaviours (docs/decisions/0011), for one knowledge-check step.
 * `deferred`: an answer is stored as given and stays changeable; nothing about its correctness
 * is final (nor shown) before the attempt is finished. `immediate`: a save checks every question
 * that is not final yet; a question becomes final when it is right or its tries are used up,
 * and the server then keeps its answer whatever a later form says.
 */

/** Per question of an immediate-behaviour step: checks so far, and whether the answer is final. */
export type QuestionState = { tries: number; final: boolean };
export type QuestionStates = Record<string, QuestionState>;

/** A form that cannot be taken as an answer; `fields` say which inputs and why, for the page. */
export class StepAnswerRefused extends SiltaError {
  constructor(
    code: string,
    readonly fields: { name: string; code: string; params?: Record<string, number> }[],
    params: Record<string, number> = {},
  ) {
    super(code, 'bad_request', fields.map((f) => f.name).join(','), params);
  }
}

export function parseStates(json: string | null | undefined): QuestionStates {
  if (!json) return {};
  const value = JSON.parse(json) as unknown;
  return value !== null && typeof value === 'object' ? (value as QuestionStates) : {};
}

/** Checks taken per question, as grading wants them. */
export function triesOf(states: QuestionStates): Record<string, number> {
  return Object.fromEntries(Object.entries(states).map(([id, s]) => [id, s.tries]));
}

const isEmpty = (answer: unknown) =>
  answer === undefined || answer === null || answer === '' || (Array.isArray(answer) && answer.length === 0);

/**
 * Whether the answer to a question is final, so that its correctness and feedback may reach the
 * browser: every answer of a finished attempt; in `immediate`, a question that is right or out of tries.
 */
export function isQuestionFinal(
  pack: ModulePack,
  attemptFinished: boolean,
  states: QuestionStates,
  questionId: string,
): boolean {
  if (attemptFinished) return true;
  return pack.assessment.behaviour === 'immediate' && states[questionId]?.final === true;
}

/** Tries left for a question in `immediate` (0 when final). */
export function triesLeft(pack: ModulePack, states: QuestionStates, question: Question): number {
  const state = states[question.id];
  if (state?.final) return 0;
  return Math.max(0, pack.assessment.tries - (state?.tries ?? 0));
}

export type CheckedAnswer = {
  answer: Record<string, unknown>;
  states: QuestionStates | null;
  points: number;
  maxPoints: number;
  stepFinal: boolean;
};

/**
 * Turns a validated submission into what is stored. Every question that is not final must have
 * an answer (an empty form is not an answer: refused, nothing stored). Final questions keep their
 * stored answer, so a crafted form cannot change them.
 */
export function checkKnowledgeAnswer(props: {
  pack: ModulePack;
  step: KnowledgeCheckStep;
  submitted: Record<string, unknown>;
  previous: { answer: Record<string, unknown>; states: QuestionStates } | null;
}): CheckedAnswer {
  const { pack, step, submitted } = props;
  const previousStates = props.previous?.states ?? {};
  const immediate = pack.assessment.behaviour === 'immediate';
  const open = step.questions.filter((q) => !(immediate && previousStates[q.id]?.final));
  // Every answer of the step is final already: a form for it (another tab, or crafted) changes nothing.
  if (immediate && open.length === 0) throw new SiltaError('answer_final', 'conflict');
  const missing = open.filter((q) => isEmpty(submitted[q.id]));
  if (missing.length) {
    throw new StepAnswerRefused(
      'questions_unanswered',
      missing.map((q) => ({ name: `q_${q.id}`, code: 'question_unanswered' })),
      { count: missing.length },
    );
  }
  const answer: Record<string, unknown> = {};
  for (const q of step.questions) answer[q.id] = open.includes(q) ? submitted[q.id] : props.previous?.answer[q.id];
  if (!immediate) {
    const graded = gradeKnowledgeCheck(step, answer);
    return { answer, states: null, points: graded.points, maxPoints: graded.maxPoints, stepFinal: false };
  }
  const states: QuestionStates = {};
  for (const q of step.questions) {
    const before = previousStates[q.id] ?? { tries: 0, final: false };
    if (before.final) {
      states[q.id] = before;
      continue;
    }
    const tries = before.tries + 1;
    const right = gradeQuestion(q, answer[q.id]).outcome === 'correct';
    states[q.id] = { tries, final: right || tries >= pack.assessment.tries };
  }
  const graded = gradeKnowledgeCheck(step, answer, { tries: triesOf(states), penalty: pack.assessment.penalty });
  return {
    answer,
    states,
    points: graded.points,
    maxPoints: graded.maxPoints,
    stepFinal: step.questions.every((q) => states[q.id].final),
  };
}
