import { Op, type Sequelize, type Transaction } from 'sequelize';
import { SCOPE } from '../../../lti/claims';
import { SiltaError, ValidationError } from '../../errors';
import { GradeOutbox, ModuleAttempt, StepAnswer } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import { enqueueScore } from '../grades/grade-outbox.service';
import type { Launch } from '../launches/launch.service';
import {
  checkKnowledgeAnswer,
  parseStates,
  StepAnswerRefused,
  triesOf,
  type QuestionStates,
} from './assessment/behaviour';
import { newShuffleSeed } from './assessment/shuffle';
import { textLength } from './assessment/text-length';
import { scoreGivenOf, scoreOf, stepAnswerSchema, stepPoints } from './content-grading';
import type { ModulePack, PackStep } from './content-pack';

/** Seconds counted for one save at most: a tab left open overnight is not study time. */
const MAX_SECONDS_PER_SAVE = 300;

export type ModuleActor = { launch: Launch };

/** The module a launch's resource link is bound to (custom parameter `module`). */
export function moduleOf(packs: ReadonlyMap<string, ModulePack>, launch: Launch): ModulePack {
  const slug = launch.custom.module;
  if (!launch.resourceLink) throw new SiltaError('module_not_selected', 'bad_request');
  if (!slug) throw new SiltaError('module_not_selected', 'not_found');
  const pack = packs.get(slug);
  if (!pack) throw new SiltaError('module_not_found', 'not_found', slug);
  return pack;
}

function linkId(launch: Launch): number {
  if (!launch.resourceLink) throw new SiltaError('module_not_selected', 'bad_request');
  return launch.resourceLink.id;
}

/** The trainee's current attempt on this link, started on first visit. */
export async function currentAttempt(sequelize: Sequelize, launch: Launch, pack: ModulePack): Promise<ModuleAttempt> {
  const where = { userId: launch.user.id, resourceLinkId: linkId(launch) };
  const latest = await ModuleAttempt.findOne({ where, order: [['attemptNo', 'DESC']] });
  if (latest) return latest;
  return inTransaction(sequelize, async (transaction) => {
    const again = await ModuleAttempt.findOne({ where, order: [['attemptNo', 'DESC']], transaction });
    if (again) return again;
    return ModuleAttempt.create(
      {
        ...where,
        moduleSlug: pack.slug,
        moduleVersion: pack.version,
        attemptNo: 1,
        status: 'in_progress',
        currentStep: pack.steps[0].id,
        scorePercent: null,
        completedAt: null,
        shuffleSeed: newShuffleSeed(),
      },
      { transaction },
    );
  });
}

/** The saved answers of an attempt, by step id. */
export async function answersOf(attemptId: number): Promise<Record<string, unknown>> {
  return (await savedAnswersOf(attemptId)).answers;
}

/** The saved answers of an attempt and, for immediate-behaviour checks, each question's tries. */
export async function savedAnswersOf(
  attemptId: number,
  transaction?: Transaction,
): Promise<{ answers: Record<string, unknown>; states: Record<string, QuestionStates> }> {
  const rows = await StepAnswer.findAll({ where: { attemptId }, transaction });
  return {
    answers: Object.fromEntries(rows.map((r) => [r.stepId, JSON.parse(r.answer) as unknown])),
    states: Object.fromEntries(rows.map((r) => [r.stepId, parseStates(r.questionState)])),
  };
}

function findStep(pack: ModulePack, stepId: string): { step: PackStep; index: number } {
  const index = pack.steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw new SiltaError('step_not_found', 'not_found', stepId);
  return { step: pack.steps[index], index };
}

/**
 * The attempt named by a form must be the trainee's current one: an id of someone else's attempt
 * is refused, and a form from an earlier attempt (another tab, or posted again after a retry)
 * gets a conflict.
 */
async function checkAttempt(attempt: ModuleAttempt, launch: Launch, transaction?: Transaction) {
  if (attempt.userId !== launch.user.id) throw new SiltaError('forbidden', 'forbidden');
  const latest = await ModuleAttempt.max<number, ModuleAttempt>('attemptNo', {
    where: { userId: attempt.userId, resourceLinkId: attempt.resourceLinkId },
    transaction,
  });
  if (latest !== attempt.attemptNo) throw new SiltaError('attempt_changed', 'conflict');
}

/**
 * Saves the answer to one step (validated against the step's schema, graded on the server) and
 * moves the trainee on; the answer is on disk before the response. Answers of a finished attempt
 * cannot change; a knowledge check follows the module's assessment behaviour (an empty one is
 * refused, final answers stay as they are).
 */
export async function saveStepAnswer(props: {
  sequelize: Sequelize;
  launch: Launch;
  pack: ModulePack;
  attemptId: number;
  stepId: string;
  answer: unknown;
}) {
  const { sequelize, launch, pack } = props;
  const { step, index } = findStep(pack, props.stepId);
  const typed = (props.answer as { text?: unknown } | null)?.text;
  if (
    step.kind === 'reflection' &&
    typeof typed === 'string' &&
    typed.length <= step.maxLength * 8 &&
    textLength(typed) > step.maxLength
  ) {
    throw new StepAnswerRefused(
      'reflection_too_long',
      [{ name: 'text', code: 'reflection_too_long', params: { max: step.maxLength } }],
      { max: step.maxLength },
    );
  }
  const parsed = stepAnswerSchema(step).safeParse(props.answer);
  if (!parsed.success)
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  let answer = parsed.data as Record<string, unknown>;
  if (step.kind === 'reflection' && textLength(answer.text as string) < step.minLength) {
    throw new StepAnswerRefused(
      'reflection_too_short',
      [{ name: 'text', code: 'reflection_too_short', params: { min: step.minLength } }],
      { min: step.minLength },
    );
  }
  const next = pack.steps[index + 1]?.id ?? null;
  // Checks first, outside the transaction, so the write lock is held only briefly.
  const attempt = await ModuleAttempt.findByPk(props.attemptId);
  if (!attempt || attempt.resourceLinkId !== linkId(launch)) throw new SiltaError('forbidden', 'forbidden');
  await checkAttempt(attempt, launch);
  if (attempt.status === 'completed') throw new SiltaError('attempt_completed', 'conflict');
  const elapsed = Math.max(
    0,
    Math.min(MAX_SECONDS_PER_SAVE, Math.round((Date.now() - attempt.updatedAt.getTime()) / 1000)),
  );
  return inTransaction(sequelize, async (transaction) => {
    // The attempt row is the lock (PostgreSQL; SQLite has one writer): two saves of one step at
    // once cannot both see the same tries.
    await ModuleAttempt.findOne({ where: { id: attempt.id }, transaction, lock: transaction.LOCK.UPDATE });
    let states: QuestionStates | null = null;
    let stepFinal = false;
    if (step.kind === 'knowledge-check') {
      const stored = await StepAnswer.findOne({ where: { attemptId: attempt.id, stepId: step.id }, transaction });
      const previous = stored
        ? { answer: JSON.parse(stored.answer) as Record<string, unknown>, states: parseStates(stored.questionState) }
        : null;
      const checked = checkKnowledgeAnswer({ pack, step, submitted: answer, previous });
      ({ answer, states, stepFinal } = checked);
    }
    const { points, maxPoints } = stepPoints(
      step,
      answer,
      states ? { tries: triesOf(states), penalty: pack.assessment.penalty } : undefined,
    );
    // The status condition makes a save that raced with finishing the attempt change nothing.
    const [updated] = await ModuleAttempt.update(
      {
        currentStep: next ?? step.id,
        timeSpentSeconds: sequelize.literal(`time_spent_seconds + ${elapsed}`) as unknown as number,
        updatedAt: new Date(),
      },
      { where: { id: attempt.id, status: 'in_progress' }, transaction },
    );
    if (updated !== 1) throw new SiltaError('attempt_completed', 'conflict');
    await StepAnswer.upsert(
      {
        attemptId: attempt.id,
        stepId: step.id,
        answer: JSON.stringify(answer),
        points,
        maxPoints,
        questionState: states ? JSON.stringify(states) : null,
        updatedAt: new Date(),
      },
      { transaction, conflictFields: ['attempt_id', 'step_id'] as never },
    );
    return { attempt, next, stepFinal };
  });
}

/** Finishing refused: these steps have no answer yet (the page lists them as links). */
export class StepsUnanswered extends SiltaError {
  constructor(readonly stepIds: string[]) {
    super('steps_unanswered', 'conflict', stepIds.join(','), { count: stepIds.length });
  }
}

/** Whether the platform can take grades for this link (AGS with the score scope). */
function gradable(launch: Launch): boolean {
  const link = launch.resourceLink;
  if (!link || !(link.agsLineitem || link.agsLineitems)) return false;
  const scopes = link.agsScopes ? (JSON.parse(link.agsScopes) as string[]) : [];
  return scopes.includes(SCOPE.score);
}

/**
 * Finishes the attempt: scores it on the server and, in the same transaction, puts the grade in
 * the outbox when the link is graded and this is the first finish or a better later attempt.
 * Every step must have an answer except reading steps.
 */
export async function completeAttempt(props: {
  sequelize: Sequelize;
  launch: Launch;
  pack: ModulePack;
  attemptId: number;
}) {
  const { sequelize, launch, pack } = props;
  return inTransaction(sequelize, async (transaction) => {
    const attempt = await ModuleAttempt.findOne({ where: { id: props.attemptId }, transaction });
    if (!attempt || attempt.resourceLinkId !== linkId(launch)) throw new SiltaError('forbidden', 'forbidden');
    await checkAttempt(attempt, launch, transaction);
    if (attempt.status === 'completed') return attempt;
    const rows = await StepAnswer.findAll({ where: { attemptId: attempt.id }, transaction });
    const answers = Object.fromEntries(rows.map((r) => [r.stepId, JSON.parse(r.answer) as unknown]));
    const missing = pack.steps.filter((s) => s.kind !== 'reading' && !(s.id in answers));
    if (missing.length) throw new StepsUnanswered(missing.map((s) => s.id));
    const tries = Object.fromEntries(rows.map((r) => [r.stepId, triesOf(parseStates(r.questionState))]));
    const percent = scoreOf(pack, answers, tries);
    const points = rows.reduce((sum, r) => sum + (r.points ?? 0), 0);
    const maxPoints = rows.reduce((sum, r) => sum + (r.maxPoints ?? 0), 0);
    const best = await ModuleAttempt.max<number, ModuleAttempt>('scorePercent', {
      where: {
        userId: attempt.userId,
        resourceLinkId: attempt.resourceLinkId,
        status: 'completed',
        id: { [Op.ne]: attempt.id },
      },
      transaction,
    });
    attempt.set({ status: 'completed', completedAt: new Date(), scorePercent: percent, points, maxPoints });
    await attempt.save({ transaction });
    if (gradable(launch) && (best === null || best === undefined || percent > best)) {
      await enqueueScore(transaction, {
        issuer: launch.platform.issuer,
        clientId: launch.platform.clientId,
        resourceLinkId: attempt.resourceLinkId,
        userId: attempt.userId,
        attemptId: attempt.id,
        lineItemUrl: launch.resourceLink?.agsLineitem ?? null,
        lineitemsUrl: launch.resourceLink?.agsLineitems ?? null,
        scoreGiven: scoreGivenOf(pack, percent),
        scoreMaximum: pack.scoreMaximum,
      });
    }
    return attempt;
  });
}

/** Starts a new attempt after a finished one, when the module allows retries. */
export async function startRetry(props: { sequelize: Sequelize; launch: Launch; pack: ModulePack; attemptId: number }) {
  const { sequelize, launch, pack } = props;
  if (!pack.retries) throw new SiltaError('retries_not_allowed', 'forbidden');
  return inTransaction(sequelize, async (transaction) => {
    const attempt = await ModuleAttempt.findOne({ where: { id: props.attemptId }, transaction });
    if (!attempt || attempt.resourceLinkId !== linkId(launch)) throw new SiltaError('forbidden', 'forbidden');
    await checkAttempt(attempt, launch, transaction);
    if (attempt.status !== 'completed') throw new SiltaError('attempt_in_progress', 'conflict');
    // A new attempt starts clean: no answers, and a new seed, so a new order of the options.
    return ModuleAttempt.create(
      {
        userId: attempt.userId,
        resourceLinkId: attempt.resourceLinkId,
        moduleSlug: pack.slug,
        moduleVersion: pack.version,
        attemptNo: attempt.attemptNo + 1,
        status: 'in_progress',
        currentStep: pack.steps[0].id,
        scorePercent: null,
        completedAt: null,
        shuffleSeed: newShuffleSeed(),
      },
      { transaction },
    );
  });
}

/** The grade state of the trainee's latest score on this link, for the summary page. */
export async function latestGradeState(launch: Launch): Promise<GradeOutbox | null> {
  return GradeOutbox.findOne({
    where: { userId: launch.user.id, resourceLinkId: linkId(launch) },
    order: [['id', 'DESC']],
  });
}
