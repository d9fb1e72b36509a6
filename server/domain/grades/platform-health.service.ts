import { Op, UniqueConstraintError } from 'sequelize';
import { GradePlatformHealth } from '../../store/grade-health-models';
import { GradeOutbox } from '../../store/models';

export type PlatformKey = { issuer: string; clientId: string };

export type ProbeBackoff = {
  /** The first wait after a failure. */
  baseDelayMs: number;
  /** The longest wait between two probes (a platform that answers again is noticed within this). */
  maxDelayMs: number;
};

/** A Retry-After beyond this is taken as this: a typo on the platform must not park grades for weeks. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * The wait before the next probe of a failing platform: capped exponential backoff with "equal
 * jitter" (between half and all of min(max, base * 2^(failures-1))), so instances do not probe in
 * step and the cap really bounds how late a recovery is noticed; or the platform's Retry-After
 * when that is longer.
 */
export function probeDelayMs(failures: number, backoff: ProbeBackoff, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  const retryAfter = retryAfterSeconds === undefined ? 0 : Math.min(MAX_RETRY_AFTER_MS, retryAfterSeconds * 1000);
  return Math.max(jittered, retryAfter);
}

/** Platforms whose score service is failing now (few rows: one per platform). */
export function failingPlatforms(): Promise<GradePlatformHealth[]> {
  return GradePlatformHealth.findAll({ where: { failingSince: { [Op.ne]: null } } });
}

async function healthRow(key: PlatformKey): Promise<GradePlatformHealth> {
  const found = await GradePlatformHealth.findOne({ where: { issuer: key.issuer, clientId: key.clientId } });
  if (found) return found;
  try {
    return await GradePlatformHealth.create({ issuer: key.issuer, clientId: key.clientId, failingSince: null, nextTryAt: null, lastErrorCode: null, lastError: null, lastSuccessAt: null });
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
  await GradePlatformHealth.update({ probeToken: null, probeUntil: null }, { where: { issuer: key.issuer, clientId: key.clientId, probeToken: token } });
}

/**
 * Records a retryable failure of a platform: failing since now (or earlier), one more failure in
 * a row, the next probe after the backoff or Retry-After. Returns when the next probe may go.
 */
export async function recordPlatformFailure(key: PlatformKey, failure: { code: string; message: string; retryAfterSeconds?: number }, now: Date, backoff: ProbeBackoff, random?: () => number): Promise<Date> {
  const row = await healthRow(key);
  // Requests that were already in flight when the platform started failing fail too: they are
  // the same failure, not further steps of the backoff (only a probe's failure is).
  const sameEpisode = row.failingSince !== null && row.nextTryAt !== null && row.nextTryAt > now;
  const failures = sameEpisode ? row.failures : row.failures + 1;
  let nextTryAt = new Date(now.getTime() + probeDelayMs(failures, backoff, failure.retryAfterSeconds, random));
  // The latest wait asked for stands.
  if (sameEpisode && row.nextTryAt! > nextTryAt) nextTryAt = row.nextTryAt!;
  await GradePlatformHealth.update(
    { failingSince: row.failingSince ?? now, failures, nextTryAt, probeToken: null, probeUntil: null, lastErrorCode: failure.code, lastError: failure.message },
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
  await GradeOutbox.update({ nextAttemptAt: now }, { where: { issuer: key.issuer, clientId: key.clientId, status: 'pending', nextAttemptAt: { [Op.gt]: now } } });
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
  const rows = await GradePlatformHealth.findAll({ order: [['issuer', 'ASC'], ['clientId', 'ASC']] });
  return rows.map(present);
}

/** One platform's delivery state; reachable when nothing failed yet. */
export async function platformDelivery(key: PlatformKey): Promise<PlatformDelivery> {
  const row = await GradePlatformHealth.findOne({ where: { issuer: key.issuer, clientId: key.clientId } });
  return row ? present(row) : { ...key, reachable: true, failingSince: null, nextTryAt: null, lastErrorCode: null, lastError: null, lastSuccessAt: null };
}
