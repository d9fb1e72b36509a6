import crypto from 'node:crypto';
import { literal, Op, type WhereOptions } from 'sequelize';
import { postScore, type ActivityProgress, type GradingProgress } from '../../../lti/grades';
import { PlatformServiceError, type ServiceClient } from '../../../lti/service-client';
import { SiltaError } from '../../errors';
import type { Logger } from '../../logger';
import type { GradePlatformHealth } from '../../store/grade-health-models';
import { GradeOutbox, User } from '../../store/models';
import { grantedAlready } from './grade-delivery-check';
import { announceGradesDue, onGradesDue } from './grade-wake';
import { resolveLineItem } from './line-item.service';
import {
  failingPlatforms,
  probeDelayMs,
  recordPlatformFailure,
  recordPlatformRecovery,
  releaseProbe,
  renewProbe,
  takeProbe,
  type PlatformKey,
} from './platform-health.service';

export type GradeWorkerOptions = {
  client: ServiceClient;
  logger: Logger;
  /** Pause between database polls when nothing woke the worker (other instances' rows, due probes). */
  pollMs?: number;
  /** Rows claimed per poll. */
  batchSize?: number;
  /**
   * Successes recorded per statement while draining (the last few of a lane at its end): fewer
   * writes per grade, at the price of a few more resends (409, found `sent`) after a crash.
   */
  sentBatch?: number;
  /** Score requests in flight at once per platform (in this instance). */
  concurrency?: number;
  /** Tries after which a row is marked failed (an admin can put it back)... */
  maxTries?: number;
  /** ...or the age after which it is. */
  giveUpAfterMs?: number;
  /**
   * Probe backoff of a failing platform: from baseDelayMs doubling, capped by a fifth of the
   * failure's age but at least earlyDelayMs and at most maxDelayMs (keep it ≤ 30 s). Decision 0023.
   */
  baseDelayMs?: number;
  earlyDelayMs?: number;
  maxDelayMs?: number;
  /**
   * How long a claim holds without renewal. Renewed every third of it while the worker still has
   * the row, so it only has to outlast a stalled process, not a request: a crashed instance's
   * rows are taken over this long after it died.
   */
  leaseMs?: number;
  /** Only rows of these resource links (tests, or an operator draining one course). */
  resourceLinkIds?: number[];
  /**
   * Run once, before the first round that has a row to send (loading ltijs, which signs the
   * service tokens): an instance that never sends a grade never loads it. A failure fails the
   * round, which the next poll tries again.
   */
  prepare?: () => Promise<unknown>;
  now?: () => Date;
  /** In [0, 1); the jitter's source. */
  random?: () => number;
};

/** What happened to one row in a run, for logs and tests. */
export type RowOutcome = { id: number; status: GradeOutbox['status'] | 'released'; code?: string };

const DEFAULTS = {
  pollMs: 1_000,
  batchSize: 100,
  sentBatch: 20,
  concurrency: 8,
  maxTries: 100,
  giveUpAfterMs: 48 * 3600_000,
  baseDelayMs: 1_000,
  earlyDelayMs: 4_000,
  maxDelayMs: 30_000,
  leaseMs: 6_000,
};

/** One line about a failure for the log and the teacher view: HTTP status and the platform's words. */
function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof PlatformServiceError) {
    const { status, platformMessage, stage } = error.info;
    const parts = [
      stage === 'token' ? 'token endpoint' : undefined,
      status !== undefined ? `HTTP ${status}` : undefined,
      platformMessage,
    ].filter(Boolean);
    return { code: error.code, message: (parts.join(': ') || error.code).slice(0, 1000) };
  }
  if (error instanceof SiltaError) return { code: error.code, message: (error.detail ?? error.code).slice(0, 1000) };
  return { code: 'grade_internal_error', message: String((error as Error)?.message ?? error).slice(0, 1000) };
}

const keyOf = (p: PlatformKey) => `${p.issuer}\n${p.clientId}`;

/** The rows of one platform in a round: sent `concurrency` at a time, stopped by a platform failure. */
type Lane = { key: PlatformKey; rows: GradeOutbox[]; failing: boolean; stopped: boolean; sent: number[] };

/** Looked up once per round rather than once per row: the rows' users, and each link's line item. */
type RoundCache = { users: Map<number, User>; lineItems: Map<number, Promise<string>> };

/** Where a row's score went, known once the line item was resolved (for the 409 check). */
type Target = { sub?: string; lineItemUrl?: string };

/**
 * Sends the grade outbox to the platforms (decision 0005). Several instances share the outbox:
 * - **Claims** are a conditional UPDATE (claim token, short lease) renewed while the worker holds
 *   the rows, so a crashed instance's rows are taken over within a lease.
 * - **Outcomes**: 2xx `sent`; 409 `conflict` (final), unless an earlier claim on the row ended
 *   without an outcome and the platform holds this very score: then `sent`; a retryable failure
 *   (network, timeout, 5xx, 429, 408) marks the *platform* failing and puts the row back; other
 *   refusals `failed` with the reason.
 * - **A failing platform** gets one probe at a time (the oldest waiting row) after a capped
 *   backoff or its Retry-After; the first success ends the failure and makes every row waiting
 *   on it due at once, sent `concurrency` at a time.
 * - **Wake-ups**: a queued score or a recovery wakes the worker at once; the poll covers the rest.
 */
export class GradeWorker {
  private readonly options: Required<Omit<GradeWorkerOptions, 'resourceLinkIds' | 'prepare'>> &
    Pick<GradeWorkerOptions, 'resourceLinkIds' | 'prepare'>;
  private prepared = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private again = false;
  /** stop() was called: rows not started yet go back to the outbox. */
  private halting = false;
  private unsubscribe: (() => void) | undefined;
  /** What the last round found: whether to go again at once, and when the next probe is due. */
  private lastRound = { busy: false, nextProbeAt: undefined as Date | undefined };
  /** Platforms whose last lane in this instance ended without a platform failure: their lanes start at full speed. */
  private readonly answering = new Set<string>();

  constructor(options: GradeWorkerOptions) {
    // An option given as undefined keeps its default.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as GradeWorkerOptions;
    this.options = { ...DEFAULTS, now: () => new Date(), random: Math.random, ...given };
  }

  /** Starts polling (the first poll runs at once) and listens for "grades due". */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.halting = false;
    this.unsubscribe = onGradesDue(() => this.wake());
    this.schedule(0);
  }

  /** Stops polling and waits for the requests in flight to be recorded (rows not started are put back). */
  async stop(): Promise<void> {
    this.running = false;
    this.halting = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** Polls at once (a score was queued, a platform answered again, failed rows were put back). */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.again = false;
    const run = this.runOnce().catch((err) => {
      this.lastRound = { busy: false, nextProbeAt: undefined };
      this.options.logger.error({ err }, 'grade worker poll failed');
    });
    this.current = run;
    await run;
    this.current = undefined;
    if (!this.running || this.timer) return;
    const { busy, nextProbeAt } = this.lastRound;
    const untilProbe = nextProbeAt ? Math.max(0, nextProbeAt.getTime() - this.options.now().getTime()) : Infinity;
    this.schedule(this.again || busy ? 0 : Math.min(this.options.pollMs, untilProbe));
  }

  /** One round: claims due rows of reachable platforms and the probes of failing ones, sends them, records each outcome. */
  async runOnce(): Promise<RowOutcome[]> {
    const token = crypto.randomUUID();
    const now = this.options.now();
    const failing = await failingPlatforms();
    if (this.options.prepare && !this.prepared) {
      // A failing platform means rows wait for it, so only an empty outbox skips preparing.
      if (!failing.length && !(await GradeOutbox.findOne({ attributes: ['id'], where: this.dueWhere(now) }))) {
        this.lastRound = { busy: false, nextProbeAt: undefined };
        return [];
      }
      await this.options.prepare();
      this.prepared = true;
    }
    const renewal = setInterval(() => void this.renew(token), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    renewal.unref();
    let recovered = false;
    try {
      const rows = await this.claim(token, now, failing);
      const lanes = new Map<string, Lane>();
      for (const row of rows) {
        const key = keyOf(row);
        const lane = lanes.get(key) ?? {
          key: { issuer: row.issuer, clientId: row.clientId },
          rows: [],
          failing: false,
          stopped: false,
          sent: [],
        };
        lane.rows.push(row);
        lanes.set(key, lane);
      }
      let nextProbeAt: Date | undefined;
      const later = (at: Date | null) => at && (!nextProbeAt || at < nextProbeAt) && (nextProbeAt = at);
      for (const platform of failing) {
        const probe =
          platform.nextTryAt && platform.nextTryAt <= now ? await this.claimProbe(platform, token, now) : undefined;
        if (probe)
          lanes.set(keyOf(platform), {
            key: { issuer: platform.issuer, clientId: platform.clientId },
            rows: [probe],
            failing: true,
            stopped: false,
            sent: [],
          });
        else later(platform.nextTryAt);
      }
      const all = [...lanes.values()].flatMap((lane) => lane.rows);
      const users = all.length
        ? await User.findAll({ where: { id: { [Op.in]: [...new Set(all.map((r) => r.userId))] } } })
        : [];
      const cache: RoundCache = { users: new Map(users.map((u) => [u.id, u])), lineItems: new Map() };
      const results = await Promise.all(
        [...lanes.values()].map(async (lane) => {
          const outcome = await this.runLane(lane, token, cache);
          if (outcome.recovered) recovered = true;
          later(outcome.nextTryAt ?? null);
          return outcome.rows;
        }),
      );
      this.lastRound = { busy: recovered || rows.length >= this.options.batchSize, nextProbeAt };
      return results
        .flat()
        .sort((a, b) => a.order - b.order)
        .map(({ order: _order, ...o }) => o);
    } finally {
      clearInterval(renewal);
      if (recovered) announceGradesDue();
    }
  }

  /** Keeps this round's claims (rows and probes) alive while their requests run. */
  private async renew(token: string): Promise<void> {
    const until = new Date(this.options.now().getTime() + this.options.leaseMs);
    try {
      await GradeOutbox.update({ claimedUntil: until }, { where: { claimToken: token, status: 'pending' } });
      await renewProbe(token, until);
    } catch (err) {
      // A missed renewal costs at worst a resend, which the timestamp rule makes harmless.
      this.options.logger.warn({ err }, 'grade claim not renewed');
    }
  }

  /** Pending rows nobody holds, due by `now` (or at any time, for a probe). */
  private dueWhere(now: Date, anyTime = false): WhereOptions<GradeOutbox> {
    return {
      status: 'pending',
      ...(anyTime ? {} : { nextAttemptAt: { [Op.lte]: now } }),
      [Op.or]: [{ claimedUntil: null }, { claimedUntil: { [Op.lt]: now } }],
      ...(this.options.resourceLinkIds ? { resourceLinkId: { [Op.in]: this.options.resourceLinkIds } } : {}),
    };
  }

  /** The claim's values; a live claim token left on the row means its last holder died mid-send. */
  private claimValues(token: string, now: Date) {
    return {
      claimToken: token,
      claimedUntil: new Date(now.getTime() + this.options.leaseMs),
      orphanedClaims: literal('orphaned_claims + CASE WHEN claim_token IS NULL THEN 0 ELSE 1 END') as unknown as number,
    };
  }

  /** Takes due rows of reachable platforms nobody holds (or whose holder's lease ran out). */
  private async claim(token: string, now: Date, failing: GradePlatformHealth[]): Promise<GradeOutbox[]> {
    const due: WhereOptions<GradeOutbox> = {
      [Op.and]: [
        this.dueWhere(now),
        ...(failing.length
          ? [{ [Op.not]: { [Op.or]: failing.map((p) => ({ issuer: p.issuer, clientId: p.clientId })) } }]
          : []),
      ],
    };
    const candidates = await GradeOutbox.findAll({
      attributes: ['id'],
      where: due,
      order: [
        ['nextAttemptAt', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: this.options.batchSize,
    });
    if (!candidates.length) return [];
    // The conditions are checked again by the UPDATE itself: of two workers that saw the same
    // candidates, each row goes to whichever UPDATE reaches it first.
    await GradeOutbox.update(this.claimValues(token, now), {
      where: { [Op.and]: [{ id: { [Op.in]: candidates.map((c) => c.id) } }, due] },
    });
    return GradeOutbox.findAll({
      where: { claimToken: token },
      order: [
        ['nextAttemptAt', 'ASC'],
        ['id', 'ASC'],
      ],
    });
  }

  /** Takes a failing platform's probe and its oldest waiting row; undefined when another worker probes or nothing waits. */
  private async claimProbe(platform: GradePlatformHealth, token: string, now: Date): Promise<GradeOutbox | undefined> {
    if (!(await takeProbe(platform, token, now, new Date(now.getTime() + this.options.leaseMs)))) return undefined;
    // Any waiting row will do (the platform's next try governs, not the row's).
    const waiting: WhereOptions<GradeOutbox> = {
      ...this.dueWhere(now, true),
      issuer: platform.issuer,
      clientId: platform.clientId,
    };
    const oldest = await GradeOutbox.findOne({
      attributes: ['id'],
      where: waiting,
      order: [
        ['nextAttemptAt', 'ASC'],
        ['id', 'ASC'],
      ],
    });
    if (oldest) {
      const [count] = await GradeOutbox.update(this.claimValues(token, now), { where: { ...waiting, id: oldest.id } });
      if (count) return GradeOutbox.findByPk(oldest.id, { rejectOnEmpty: true });
    }
    await releaseProbe(platform, token);
    return undefined;
  }

  /**
   * Sends a platform's rows, up to `concurrency` at a time. A platform not seen answering by this
   * instance yet (first round, after a failure) starts with one request in flight and gets one
   * more with each answer: one that has just started failing gets one failed request, not
   * `concurrency`, and a drain still reaches full speed within a few grades. A retryable failure
   * stops the lane and puts the rest back untried, in one statement.
   */
  private async runLane(
    lane: Lane,
    token: string,
    cache: RoundCache,
  ): Promise<{ rows: (RowOutcome & { order: number })[]; recovered: boolean; nextTryAt?: Date }> {
    const outcomes: (RowOutcome & { order: number })[] = [];
    let recovered = false;
    let nextTryAt: Date | undefined;
    let next = 0;
    const runners: Promise<void>[] = [];
    const addRunner = () => runners.push(runner());
    const runner = async () => {
      while (next < lane.rows.length && !lane.stopped && !this.halting) {
        const row = lane.rows[next++];
        const outcome = await this.process(row, token, lane, cache);
        if (outcome.recovered) recovered = true;
        if (outcome.nextTryAt) nextTryAt = outcome.nextTryAt;
        outcomes.push({ id: row.id, status: outcome.status, code: outcome.code, order: row.id });
        if (!lane.stopped && runners.length < this.options.concurrency && next < lane.rows.length) addRunner();
      }
    };
    const start = this.answering.has(keyOf(lane.key)) && !lane.failing ? this.options.concurrency : 1;
    for (let i = 0; i < Math.min(start, lane.rows.length); i++) addRunner();
    // The list grows while it is awaited.
    for (let i = 0; i < runners.length; i++) await runners[i];
    await this.flushSent(lane);
    if (lane.stopped) this.answering.delete(keyOf(lane.key));
    else this.answering.add(keyOf(lane.key));
    const untried = lane.rows.slice(next);
    if (untried.length) {
      await GradeOutbox.update(
        { claimToken: null, claimedUntil: null },
        { where: { id: { [Op.in]: untried.map((r) => r.id) }, claimToken: token } },
      );
      for (const row of untried) outcomes.push({ id: row.id, status: 'released', order: row.id });
    }
    return { rows: outcomes, recovered, nextTryAt };
  }

  private async process(
    row: GradeOutbox,
    token: string,
    lane: Lane,
    cache: RoundCache,
  ): Promise<{ status: GradeOutbox['status']; code?: string; recovered?: boolean; nextTryAt?: Date }> {
    const { logger } = this.options;
    const target: Target = {};
    try {
      await this.send(row, target, cache);
    } catch (error) {
      if (
        error instanceof PlatformServiceError &&
        error.code === 'platform_conflict' &&
        row.orphanedClaims > 0 &&
        (await grantedAlready(this.options.client, row, target))
      ) {
        // A process that died after the platform's 200 had sent this very score.
        await this.markSent(row);
        logger.info(
          { outboxId: row.id },
          'the platform already held this grade (sent before a crash); recorded as sent',
        );
        return { status: 'sent', recovered: await this.platformAnswered(lane) };
      }
      return this.recordFailure(row, token, lane, error);
    }
    // A probe's success is written at once (it ends the outage); a drain's in small batches.
    lane.sent.push(row.id);
    if (lane.failing || lane.sent.length >= this.options.sentBatch) await this.flushSent(lane);
    logger.info(
      { outboxId: row.id, resourceLinkId: row.resourceLinkId, userId: row.userId, tries: row.tries + 1 },
      'grade sent',
    );
    return { status: 'sent', recovered: await this.platformAnswered(lane) };
  }

  /** A failing platform answered: it is reachable again and its waiting rows are due now. */
  private async platformAnswered(lane: Lane): Promise<boolean> {
    if (!lane.failing) return false;
    lane.failing = false;
    const recovered = await recordPlatformRecovery(lane.key, this.options.now());
    if (recovered)
      this.options.logger.info({ issuer: lane.key.issuer }, 'platform answers again; its waiting grades are due');
    return recovered;
  }

  private async send(row: GradeOutbox, target: Target, cache: RoundCache): Promise<void> {
    // Moodle empties the grade it holds for any other gradingProgress: such a row is never sent.
    if (row.gradingProgress !== 'FullyGraded')
      throw new SiltaError('grade_not_final', 'bad_request', `gradingProgress ${row.gradingProgress}`);
    const user = cache.users.get(row.userId);
    if (!user) throw new SiltaError('grade_target_missing', 'not_found', `user ${row.userId}`);
    const { client } = this.options;
    // Rows of one link share the lookup (and a creation of its line item); a failure fails them all alike.
    let lineItem = cache.lineItems.get(row.resourceLinkId);
    if (!lineItem) {
      lineItem = resolveLineItem(client, row);
      lineItem.catch(() => undefined);
      cache.lineItems.set(row.resourceLinkId, lineItem);
    }
    const lineItemUrl = await lineItem;
    Object.assign(target, { sub: user.sub, lineItemUrl });
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

  /** Records one success at once (the 409 check's). */
  private markSent(row: GradeOutbox): Promise<void> {
    return this.writeSent([row.id]);
  }

  /** Records the lane's successes not written yet, in one statement. */
  private async flushSent(lane: Lane): Promise<void> {
    if (!lane.sent.length) return;
    const ids = lane.sent.splice(0);
    await this.writeSent(ids);
  }

  /**
   * Records successes. Retried briefly: until it is written, a restart would send the rows again
   * (Moodle answers 409 and the worker finds its own grade there: still `sent`, one grade).
   */
  private async writeSent(ids: number[]): Promise<void> {
    const values = {
      status: 'sent' as const,
      sentAt: this.options.now(),
      tries: literal('tries + 1') as unknown as number,
      lastError: null,
      lastErrorCode: null,
      claimToken: null,
      claimedUntil: null,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        // Not conditional on the claim: whatever happened to the rows meanwhile, the platform has them.
        await GradeOutbox.update(values, { where: { id: { [Op.in]: ids } } });
        return;
      } catch (err) {
        if (attempt >= 3) {
          this.options.logger.error({ err, outboxIds: ids }, 'grades sent but not recorded; a resend will get 409');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private async recordFailure(
    row: GradeOutbox,
    token: string,
    lane: Lane,
    error: unknown,
  ): Promise<{ status: GradeOutbox['status']; code: string; nextTryAt?: Date }> {
    const { logger, maxTries, giveUpAfterMs } = this.options;
    const now = this.options.now();
    const { code, message } = describeFailure(error);
    const tries = row.tries + 1;
    const log = {
      outboxId: row.id,
      resourceLinkId: row.resourceLinkId,
      userId: row.userId,
      tries,
      code,
      detail: message,
    };
    const conflict = error instanceof PlatformServiceError && error.code === 'platform_conflict';
    const platformDown = error instanceof PlatformServiceError && error.retryable;
    // Unexpected errors (a bug, the database) are retried too, row by row: they may pass.
    const retryable = platformDown || !(error instanceof SiltaError);
    const givenUp = tries >= maxTries || now.getTime() - row.createdAt.getTime() >= giveUpAfterMs;
    let status: GradeOutbox['status'];
    let nextAttemptAt = row.nextAttemptAt;
    let nextTryAt: Date | undefined;
    if (platformDown) {
      // The platform, not the row, is what failed: no more requests to it until its next probe.
      lane.failing = true;
      lane.stopped = true;
      nextTryAt = await recordPlatformFailure(
        lane.key,
        { code, message, retryAfterSeconds: error.retryAfterSeconds },
        now,
        this.options,
        this.options.random,
      );
    }
    if (conflict) status = 'conflict';
    else if (retryable && !givenUp) {
      status = 'pending';
      nextAttemptAt =
        nextTryAt ?? new Date(now.getTime() + probeDelayMs(tries, this.options, undefined, this.options.random));
    } else status = 'failed';
    await GradeOutbox.update(
      { status, tries, nextAttemptAt, lastError: message, lastErrorCode: code, claimToken: null, claimedUntil: null },
      { where: { id: row.id, claimToken: token, status: 'pending' } },
    );
    if (status === 'pending') logger.warn({ ...log, nextAttemptAt }, 'grade not sent; will retry');
    else if (status === 'conflict') logger.info(log, 'platform holds a newer grade; not resent');
    else if (retryable) logger.error({ ...log, err: error }, 'grade not sent after the last try; marked failed');
    else logger.warn(log, 'grade refused; marked failed, not retried');
    return { status, code, nextTryAt };
  }
}
