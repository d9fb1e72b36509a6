import { Op, UniqueConstraintError } from 'sequelize';
import { GradePlatformHealth } from '../../store/grade-health-models';
import { GradeOutbox } from '../../store/models';
import { announceGradesDue } from './grade-wake';

export type PlatformKey = { issuer: string; clientId: string };

export type ProbeBackoff = {
  /** The first wait after a failure. */
  baseDelayMs: number;
  /** The longest wait between two probes (a platform that answers again is noticed within this). */
  maxDelayMs: number;
  /** The cap while the failure is young; it grows with the failure's age up to maxDelayMs. */
  earlyDelayMs?: number;
};

/** A Retry-After beyond this is taken as this: a typo on the platform must not park grades for weeks. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * The cap grows with how long the platform has failed: a fifth of that age, from earlyDelayMs up
 * to maxDelayMs. A short outage (most are seconds to a minute) is noticed within seconds; a long
 * one costs few requests (about 40 per 10 minutes). Decision 0023.
 */
export const CAP_SHARE_OF_OUTAGE = 1 / 5;

/**
 * The wait before the next probe of a failing platform: exponential from baseDelayMs, capped by
 * a fifth of the failure's age (within earlyDelayMs..maxDelayMs; without an age, by maxDelayMs),
 * with jitter over the top quarter of that ceiling, so instances do not probe in step while the
 * cap still bounds how late a recovery is noticed; or the platform's Retry-After when longer.
 */
export function probeDelayMs(
  failures: number,
  backoff: ProbeBackoff,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
  failingForMs?: number,
): number {
  const cap =
    failingForMs === undefined
      ? backoff.maxDelayMs
      : Math.min(backoff.maxDelayMs, Math.max(backoff.earlyDelayMs ?? 0, failingForMs * CAP_SHARE_OF_OUTAGE));
  const ceiling = Math.min(cap, backoff.baseDelayMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.floor((ceiling * 3) / 4 + (random() * ceiling) / 4);
  const retryAfter = retryAfterSeconds === undefined ? 0 : Math.min(MAX_RETRY_AFTER_MS, retryAfterSeconds * 1000);
  return Math.max(jittered, retryAfter);
}

/**
 * The platforms this instance's worker last saw failing, and when a launch last brought each
 * one's probe forward: a launch asks the database only about a platform known to be failing.
 */
const seenFailing = new Map<string, number>();
const keyOf = (p: PlatformKey) => `${p.issuer}\n${p.clientId}`;

/** A launch from a failing platform brings its probe forward at most this often. */
export const LAUNCH_SIGNAL_EVERY_MS = 15_000;

/** Platforms whose score service is failing now (few rows: one per platform). */
export async function failingPlatforms(): Promise<GradePlatformHealth[]> {
  const rows = await GradePlatformHealth.findAll({ where: { failingSince: { [Op.ne]: null } } });
  const keys = new Set(rows.map(keyOf));
  for (const key of seenFailing.keys()) if (!keys.has(key)) seenFailing.delete(key);
  for (const key of keys) if (!seenFailing.has(key)) seenFailing.set(key, 0);
  return rows;
}

/**
 * A launch came from this platform: Moodle is up, so its score service probably answers again.
 * When the platform is failing and its next probe is further away, the probe is due now (at most
 * once per LAUNCH_SIGNAL_EVERY_MS, so busy launches keep the outage's request count near one
 * per 15 s). Returns whether it brought the probe forward (the caller wakes the workers).
 */
export async function platformLaunched(key: PlatformKey, now = new Date()): Promise<boolean> {
  const last = seenFailing.get(keyOf(key));
  if (last === undefined || now.getTime() - last < LAUNCH_SIGNAL_EVERY_MS) return false;
  seenFailing.set(keyOf(key), now.getTime());
  const [count] = await GradePlatformHealth.update(
    { nextTryAt: now },
    {
      where: {
        issuer: key.issuer,
        clientId: key.clientId,
        failingSince: { [Op.ne]: null },
        nextTryAt: { [Op.gt]: now },
      },
    },
  );
  if (count) announceGradesDue();
  return count > 0;
}

async function healthRow(key: PlatformKey): Promise<GradePlatformHealth> {
  const found = await GradePlatformHealth.findOne({ where: { issuer: key.issuer, clientId: key.clientId } });
  if (found) return found;
  try {
    return await GradePlatformHealth.create({
      issuer: key.issuer,
      clientId: key.clientId,
      failingSince: null,
      nextTryAt: null,
      lastErrorCode: null,
      lastError: null,
      lastSuccessAt: null,
    });
  } catch (error) {
    // Another instance created it first.
    if (!(error instanceof UniqueConstraintError)) throw error;
    return GradePlatformHealth.findOne({ where: { issuer: key.issuer, clientId: key.clientId }, rejectOnEmpty: true });
  }
}

/**
 * Takes the probe of a failing platform whose next try is due: a conditional UPDATE, so of the
 * instances that try at once one wins. The probe is held until `until` (renewed while it runs).
 */
export async function takeProbe(key: PlatformKey, token: string, now: Date, until: Date): Promise<boolean> {
  const [count] = await GradePlatformHealth.update(
    { probeToken: token, probeUntil: until },
    {
      where: {
        issuer: key.issuer,
        clientId: key.clientId,
        failingSince: { [Op.ne]: null },
        nextTryAt: { [Op.lte]: now },
        [Op.or]: [{ probeUntil: null }, { probeUntil: { [Op.lt]: now } }],
      },
    },
  );
  return count > 0;
}

/** Keeps a probe held while its request is still running. */
export async function renewProbe(token: string, until: Date): Promise<void> {
  await GradePlatformHealth.update({ probeUntil: until }, { where: { probeToken: token } });
}

/** Gives a probe back without an outcome (nothing to send). */
export async function releaseProbe(key: PlatformKey, token: string): Promise<void> {
  await GradePlatformHealth.update(
    { probeToken: null, probeUntil: null },
    { where: { issuer: key.issuer, clientId: key.clientId, probeToken: token } },
  );
}

/**
 * Records a retryable failure of a platform: failing since now (or earlier), one more failure in
 * a row, the next probe after the backoff or Retry-After. Returns when the next probe may go.
 */
export async function recordPlatformFailure(
  key: PlatformKey,
  failure: { code: string; message: string; retryAfterSeconds?: number },
  now: Date,
  backoff: ProbeBackoff,
  random?: () => number,
): Promise<Date> {
  const row = await healthRow(key);
  // Requests that were already in flight when the platform started failing fail too: they are
  // the same failure, not further steps of the backoff (only a probe's failure is).
  const sameEpisode = row.failingSince !== null && row.nextTryAt !== null && row.nextTryAt > now;
  const failures = sameEpisode ? row.failures : row.failures + 1;
  const failingForMs = now.getTime() - (row.failingSince ?? now).getTime();
  let nextTryAt = new Date(
    now.getTime() + probeDelayMs(failures, backoff, failure.retryAfterSeconds, random, failingForMs),
  );
  // The latest wait asked for stands.
  if (sameEpisode && row.nextTryAt! > nextTryAt) nextTryAt = row.nextTryAt!;
  await GradePlatformHealth.update(
    {
      failingSince: row.failingSince ?? now,
      failures,
      nextTryAt,
      probeToken: null,
      probeUntil: null,
      lastErrorCode: failure.code,
      lastError: failure.message,
    },
    { where: { id: row.id } },
  );
  return nextTryAt;
}

/**
 * Records that a failing platform answered: it is reachable again, and every row waiting on it is
 * due now, all at once. Returns whether this call was the one that ended the failure (so the
 * caller wakes the workers); false when the platform was not failing.
 */
export async function recordPlatformRecovery(key: PlatformKey, now: Date): Promise<boolean> {
  const [count] = await GradePlatformHealth.update(
    { failingSince: null, failures: 0, nextTryAt: null, probeToken: null, probeUntil: null, lastSuccessAt: now },
    { where: { issuer: key.issuer, clientId: key.clientId, failingSince: { [Op.ne]: null } } },
  );
  if (!count) return false;
  await GradeOutbox.update(
    { nextAttemptAt: now },
    { where: { issuer: key.issuer, clientId: key.clientId, status: 'pending', nextAttemptAt: { [Op.gt]: now } } },
  );
  return true;
}

/** What people are told about a platform's grade delivery. */
export type PlatformDelivery = PlatformKey & {
  reachable: boolean;
  failingSince: Date | null;
  nextTryAt: Date | null;
  lastErrorCode: string | null;
  lastError: string | null;
  lastSuccessAt: Date | null;
};

function present(row: GradePlatformHealth): PlatformDelivery {
  const failing = row.failingSince !== null;
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    reachable: !failing,
    failingSince: row.failingSince,
    nextTryAt: failing ? row.nextTryAt : null,
    lastErrorCode: failing ? row.lastErrorCode : null,
    lastError: failing ? row.lastError : null,
    lastSuccessAt: row.lastSuccessAt,
  };
}

/** Every platform Silta has sent grades to (or tried), for the admin page and /metrics. */
export async function platformDeliveries(): Promise<PlatformDelivery[]> {
  const rows = await GradePlatformHealth.findAll({
    order: [
      ['issuer', 'ASC'],
      ['clientId', 'ASC'],
    ],
  });
  return rows.map(present);
}

/** One platform's delivery state; reachable when nothing failed yet. */
export async function platformDelivery(key: PlatformKey): Promise<PlatformDelivery> {
  const row = await GradePlatformHealth.findOne({ where: { issuer: key.issuer, clientId: key.clientId } });
  return row
    ? present(row)
    : {
        ...key,
        reachable: true,
        failingSince: null,
        nextTryAt: null,
        lastErrorCode: null,
        lastError: null,
        lastSuccessAt: null,
      };
}
