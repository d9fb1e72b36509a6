import crypto from 'node:crypto';
import { Op, type WhereOptions } from 'sequelize';
import { postScore, type ActivityProgress, type GradingProgress } from '../../../lti/grades';
import { PlatformServiceError, type ServiceClient } from '../../../lti/service-client';
import { SiltaError } from '../../errors';
import type { Logger } from '../../logger';
import { GradeOutbox, User } from '../../store/models';
import { resolveLineItem } from './line-item.service';

export type GradeWorkerOptions = {
  client: ServiceClient;
  logger: Logger;
  /** Pause between polls when the last batch was not full. */
  pollMs?: number;
  /** Rows claimed per poll. */
  batchSize?: number;
  /** Sends tried before a row is marked failed (an admin can put it back). */
  maxTries?: number;
  /** Backoff: the n-th retry waits a random time up to min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * How long a claim holds. A row whose worker died is sent by another worker after this, so
   * it must outlast a batch (each row may wait up to a few client timeouts).
   */
  leaseMs?: number;
  /** Only rows of these resource links (tests, or an operator draining one course). */
  resourceLinkIds?: number[];
  now?: () => Date;
  /** In [0, 1); the jitter's source. */
  random?: () => number;
};

/** What happened to one row in a run, for logs and tests. */
export type RowOutcome = { id: number; status: GradeOutbox['status'] | 'released'; code?: string };

const DEFAULTS = { pollMs: 5_000, batchSize: 20, maxTries: 12, baseDelayMs: 30_000, maxDelayMs: 6 * 3600_000, leaseMs: 10 * 60_000 };
/** A Retry-After beyond this is taken as this: a typo on the platform must not park grades for weeks. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * The wait before the next try: exponential backoff with full jitter (a random time between 0
 * and the capped exponential), or the platform's Retry-After when that is longer.
 */
export function retryDelayMs(tries: number, options: { baseDelayMs: number; maxDelayMs: number }, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, tries - 1));
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = retryAfterSeconds === undefined ? 0 : Math.min(MAX_RETRY_AFTER_MS, retryAfterSeconds * 1000);
  return Math.max(jittered, retryAfter);
}

/** One line about a failure for the log and the teacher view: HTTP status and the platform's words. */
function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof PlatformServiceError) {
    const { status, platformMessage, stage } = error.info;
    const parts = [stage === 'token' ? 'token endpoint' : undefined, status !== undefined ? `HTTP ${status}` : undefined, platformMessage].filter(Boolean);
    return { code: error.code, message: (parts.join(': ') || error.code).slice(0, 1000) };
  }
  if (error instanceof SiltaError) return { code: error.code, message: (error.detail ?? error.code).slice(0, 1000) };
  return { code: 'grade_internal_error', message: String((error as Error)?.message ?? error).slice(0, 1000) };
}

/**
 * Sends the grade outbox to the platforms. Every poll claims due pending rows with a conditional
 * UPDATE (a claim token and a lease), so workers of several Silta instances never send the same
 * row, then posts each row's score with the row's own timestamp and records the outcome:
 * - 2xx: `sent`. The status is written right after the platform's answer. A crash between the
 *   two leaves the row pending; it is sent again after the lease with the same timestamp, and
 *   Moodle answers 409 to a timestamp not newer than the grade it holds, so the platform keeps
 *   one grade and the row ends `conflict`.
 * - 409: `conflict`, final: the platform holds a score at least as new. Never retried.
 * - network errors, timeouts, 5xx, 429, 408: pending again after a backoff with jitter (or the
 *   Retry-After, when longer); `failed` after maxTries. Other rows of that platform in the same
 *   batch are put back untried until then, so a platform that is down is not hammered.
 * - other 4xx, a refused token, no grade service on the link: `failed` with the reason, not retried.
 */
export class GradeWorker {
  private readonly options: Required<Omit<GradeWorkerOptions, 'resourceLinkIds'>> & Pick<GradeWorkerOptions, 'resourceLinkIds'>;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;

  constructor(options: GradeWorkerOptions) {
    // An option given as undefined keeps its default.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as GradeWorkerOptions;
    this.options = { ...DEFAULTS, now: () => new Date(), random: Math.random, ...given };
  }

  /** Starts polling; the first poll runs at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in hand to be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** Polls soon (e.g. after a score was queued or failed rows were put back). */
  wake(): void {
    if (this.running && this.timer) {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    let full = false;
    const run = this.runOnce()
      .then((outcomes) => {
        full = outcomes.length >= this.options.batchSize;
      })
      .catch((err) => this.options.logger.error({ err }, 'grade worker poll failed'));
    this.current = run;
    await run;
    this.current = undefined;
    // A stop() and start() during the batch has already scheduled the next poll.
    if (this.running && !this.timer) this.schedule(full ? 0 : this.options.pollMs);
  }

  /** Claims one batch of due rows, sends them and records each outcome. */
  async runOnce(): Promise<RowOutcome[]> {
    const { rows, token } = await this.claim();
    const outcomes: RowOutcome[] = [];
    // A platform that failed with a retryable error in this batch, and when to try it again.
    const resting = new Map<string, Date>();
    for (const row of rows) {
      const restUntil = resting.get(row.issuer);
      if (restUntil) {
        await GradeOutbox.update({ claimToken: null, claimedUntil: null, nextAttemptAt: restUntil }, { where: { id: row.id, claimToken: token } });
        outcomes.push({ id: row.id, status: 'released' });
        continue;
      }
      const outcome = await this.process(row, token);
      if (outcome.status === 'pending') resting.set(row.issuer, outcome.nextAttemptAt);
      outcomes.push({ id: row.id, status: outcome.status, code: outcome.code });
    }
    return outcomes;
  }

  /** Takes due pending rows nobody holds (or whose holder's lease ran out). */
  private async claim(): Promise<{ rows: GradeOutbox[]; token: string }> {
    const now = this.options.now();
    const due: WhereOptions<GradeOutbox> = {
      status: 'pending',
      nextAttemptAt: { [Op.lte]: now },
      [Op.or]: [{ claimedUntil: null }, { claimedUntil: { [Op.lt]: now } }],
      ...(this.options.resourceLinkIds ? { resourceLinkId: { [Op.in]: this.options.resourceLinkIds } } : {}),
    };
    const token = crypto.randomUUID();
    const candidates = await GradeOutbox.findAll({ attributes: ['id'], where: due, order: [['nextAttemptAt', 'ASC'], ['id', 'ASC']], limit: this.options.batchSize });
    if (!candidates.length) return { rows: [], token };
    // The conditions are checked again by the UPDATE itself: of two workers that saw the same
    // candidates, each row goes to whichever UPDATE reaches it first.
    await GradeOutbox.update(
      { claimToken: token, claimedUntil: new Date(now.getTime() + this.options.leaseMs) },
      { where: { [Op.and]: [{ id: { [Op.in]: candidates.map((c) => c.id) } }, due] } },
    );
    const rows = await GradeOutbox.findAll({ where: { claimToken: token }, order: [['nextAttemptAt', 'ASC'], ['id', 'ASC']] });
    return { rows, token };
  }

  private async process(row: GradeOutbox, token: string): Promise<{ status: GradeOutbox['status']; code?: string; nextAttemptAt: Date }> {
    const { logger } = this.options;
    const log = { outboxId: row.id, resourceLinkId: row.resourceLinkId, userId: row.userId, tries: row.tries + 1 };
    try {
      await this.send(row);
    } catch (error) {
      return this.recordFailure(row, token, error);
    }
    await this.markSent(row);
    logger.info(log, 'grade sent');
    return { status: 'sent', nextAttemptAt: row.nextAttemptAt };
  }

  private async send(row: GradeOutbox): Promise<void> {
    // Moodle empties the grade it holds for any other gradingProgress: such a row is never sent.
    if (row.gradingProgress !== 'FullyGraded') throw new SiltaError('grade_not_final', 'bad_request', `gradingProgress ${row.gradingProgress}`);
    const user = await User.findByPk(row.userId);
    if (!user) throw new SiltaError('grade_target_missing', 'not_found', `user ${row.userId}`);
    const { client } = this.options;
    const lineItemUrl = await resolveLineItem(client, row);
    await postScore(client, {
      issuer: row.issuer,
      clientId: row.clientId,
      lineItemUrl,
      score: {
        userId: user.sub,
        scoreGiven: row.scoreGiven,
        scoreMaximum: row.scoreMaximum,
        activityProgress: row.activityProgress as ActivityProgress,
        gradingProgress: row.gradingProgress as GradingProgress,
        // The row's own time, never a new one: a resend must look like the same score.
        timestamp: row.scoreTimestamp,
      },
    });
  }

  /** Records a success. Retried briefly: until it is written, a restart would send the row again. */
  private async markSent(row: GradeOutbox): Promise<void> {
    const values = { status: 'sent' as const, sentAt: this.options.now(), tries: row.tries + 1, lastError: null, lastErrorCode: null, claimToken: null, claimedUntil: null };
    for (let attempt = 1; ; attempt++) {
      try {
        // Not conditional on the claim: whatever happened to the row meanwhile, the platform has it.
        await GradeOutbox.update(values, { where: { id: row.id } });
        return;
      } catch (err) {
        if (attempt >= 3) {
          this.options.logger.error({ err, outboxId: row.id }, 'grade sent but not recorded; a resend will get 409');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private async recordFailure(row: GradeOutbox, token: string, error: unknown): Promise<{ status: GradeOutbox['status']; code: string; nextAttemptAt: Date }> {
    const { logger, maxTries } = this.options;
    const now = this.options.now();
    const { code, message } = describeFailure(error);
    const tries = row.tries + 1;
    const log = { outboxId: row.id, resourceLinkId: row.resourceLinkId, userId: row.userId, tries, code, detail: message };
    const conflict = error instanceof PlatformServiceError && error.code === 'platform_conflict';
    // Unexpected errors (a bug, the database) are retried too: they may pass, and maxTries bounds them.
    const retryable = (error instanceof PlatformServiceError && error.retryable) || !(error instanceof SiltaError);
    let status: GradeOutbox['status'];
    let nextAttemptAt = row.nextAttemptAt;
    if (conflict) status = 'conflict';
    else if (retryable && tries < maxTries) {
      status = 'pending';
      const retryAfter = error instanceof PlatformServiceError ? error.retryAfterSeconds : undefined;
      nextAttemptAt = new Date(now.getTime() + retryDelayMs(tries, this.options, retryAfter, this.options.random));
    } else status = 'failed';
    await GradeOutbox.update({ status, tries, nextAttemptAt, lastError: message, lastErrorCode: code, claimToken: null, claimedUntil: null }, { where: { id: row.id, claimToken: token, status: 'pending' } });
    if (status === 'pending') logger.warn({ ...log, nextAttemptAt }, 'grade not sent; will retry');
    else if (status === 'conflict') logger.info(log, 'platform holds a newer grade; not resent');
    else if (retryable) logger.error({ ...log, err: error }, 'grade not sent after the last try; marked failed');
    else logger.warn(log, 'grade refused; marked failed, not retried');
    return { status, code, nextAttemptAt };
  }
}
