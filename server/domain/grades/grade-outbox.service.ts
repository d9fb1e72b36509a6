import { col, fn, Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { GradeOutbox, type OutboxStatus } from '../../store/models';
import { announceGradesDue } from './grade-wake';

export type ScoreToSend = {
  issuer: string;
  clientId: string;
  resourceLinkId: number;
  userId: number;
  attemptId: number | null;
  lineItemUrl: string | null;
  lineitemsUrl: string | null;
  scoreGiven: number;
  scoreMaximum: number;
};

/**
 * Puts a finished module's score in the grade outbox, in the caller's transaction (the same one
 * that stores the progress that earned it). Always `Completed` + `FullyGraded`: Moodle empties
 * the grade it holds for any other gradingProgress. An older score for the same user and link
 * that was not sent yet is superseded, so only the newest one goes out. Once the transaction has
 * committed, the grade workers are woken, so a reachable platform has the grade within a second.
 */
export async function enqueueScore(transaction: Transaction, score: ScoreToSend): Promise<GradeOutbox> {
  transaction.afterCommit(() => announceGradesDue());
  await GradeOutbox.update(
    { status: 'superseded' },
    {
      where: { resourceLinkId: score.resourceLinkId, userId: score.userId, status: { [Op.in]: ['pending', 'failed'] } },
      transaction,
    },
  );
  return GradeOutbox.create(
    {
      ...score,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: new Date().toISOString(),
      status: 'pending',
      nextAttemptAt: new Date(),
      lastError: null,
      sentAt: null,
    },
    { transaction },
  );
}

/** A user's grade sync state for the teacher view: their latest outbox row. */
export type GradeSyncState = {
  /** The outbox row id (for "send again"). */
  id: number;
  userId: number;
  status: OutboxStatus;
  scoreGiven: number;
  scoreMaximum: number;
  /** Sends tried; 0 after an admin's retry. */
  tries: number;
  /** A locale key `errors.<code>` for the last failure, and the platform's own words. */
  lastErrorCode: string | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  queuedAt: Date;
};

/** The latest outbox row of each user of a resource link (older rows were superseded or sent before). */
export async function listForResourceLink(resourceLinkId: number): Promise<GradeSyncState[]> {
  const latest = (await GradeOutbox.findAll({
    attributes: [[fn('MAX', col('id')), 'id']],
    where: { resourceLinkId },
    group: ['user_id'],
    raw: true,
  })) as unknown as { id: number }[];
  if (!latest.length) return [];
  const rows = await GradeOutbox.findAll({
    where: { id: { [Op.in]: latest.map((r) => Number(r.id)) } },
    order: [['userId', 'ASC']],
  });
  return rows.map((row) => ({
    id: row.id,
    userId: row.userId,
    status: row.status,
    scoreGiven: row.scoreGiven,
    scoreMaximum: row.scoreMaximum,
    tries: row.tries,
    lastErrorCode: row.lastErrorCode ?? null,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    sentAt: row.sentAt,
    queuedAt: row.createdAt,
  }));
}

/** Which failed rows to put back: one row, every failed row of a link, or one row checked against its link. */
export const retryFailedInput = z.union([
  z.object({ id: z.number().int().positive(), resourceLinkId: z.number().int().positive().optional() }).strict(),
  z.object({ resourceLinkId: z.number().int().positive() }).strict(),
]);
export type RetryFailedInput = z.infer<typeof retryFailedInput>;

/**
 * Puts failed rows back in the queue (an admin's or teacher's "send again"): pending, due now,
 * tries from 0. Only `failed` rows move; sent, superseded and conflict rows are final. Returns
 * how many rows were put back. The caller checks that the actor may act on the link.
 */
export async function retryFailed(input: RetryFailedInput, now: Date = new Date()): Promise<number> {
  const which = retryFailedInput.parse(input);
  const where = {
    status: 'failed',
    ...('id' in which ? { id: which.id } : {}),
    ...(which.resourceLinkId !== undefined ? { resourceLinkId: which.resourceLinkId } : {}),
  };
  const [count] = await GradeOutbox.update(
    { status: 'pending', nextAttemptAt: now, tries: 0, claimToken: null, claimedUntil: null },
    { where },
  );
  return count;
}

export type OutboxSummary = Record<OutboxStatus, number> & {
  /** When the oldest pending row was queued: how far behind the outbox is. */
  oldestPendingAt: Date | null;
};

/** Counts per status and the oldest pending row, for the admin console and health checks. */
export async function outboxSummary(): Promise<OutboxSummary> {
  const counts = (await GradeOutbox.findAll({
    attributes: ['status', [fn('COUNT', col('id')), 'count']],
    group: ['status'],
    raw: true,
  })) as unknown as { status: OutboxStatus; count: number | string }[];
  const summary: OutboxSummary = { pending: 0, sent: 0, failed: 0, superseded: 0, conflict: 0, oldestPendingAt: null };
  for (const { status, count } of counts) if (status in summary) summary[status] = Number(count);
  const oldest = await GradeOutbox.findOne({
    attributes: ['createdAt'],
    where: { status: 'pending' },
    order: [
      ['createdAt', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  summary.oldestPendingAt = oldest?.createdAt ?? null;
  return summary;
}

/** Rows waiting to be sent and rows failed for good: one grouped count on the status index (metrics scrapes). */
export async function unsentCounts(): Promise<{ pending: number; failed: number }> {
  const rows = (await GradeOutbox.findAll({
    attributes: ['status', [fn('COUNT', col('id')), 'count']],
    where: { status: { [Op.in]: ['pending', 'failed'] } },
    group: ['status'],
    raw: true,
  })) as unknown as { status: string; count: number | string }[];
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  return { pending: count('pending'), failed: count('failed') };
}
