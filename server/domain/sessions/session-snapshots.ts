import { LiveSession } from '../../store/session-models';
import type { ActorName } from './session-rows';

/**
 * What this instance last saw of each live session after one of its own mutations: the row as
 * it stood at sequence number `session.seq`, and the name fields of the session's actors. On
 * PostgreSQL a note is planned from it and written in one round trip, guarded by that number
 * (decision 0036): every change of a session row takes the next number, so an unchanged number
 * means the plan was made from the row as it is.
 *
 * A snapshot is offered only when no other mutation of the session is in flight in this process
 * (it would take the number first), and not for a while after a guard failed: another instance
 * writes to that session, and its notes take the two round trips that read the row first.
 */
type Snapshot = { session: LiveSession; actors: Map<number, ActorName> };

/** Sessions remembered per process; past this the least recently used one is forgotten. */
const SNAPSHOTS_MAX = 512;
/** How long a session whose guard failed is written without a snapshot. */
const AFTER_MISS_MS = 10_000;
/** Name fields remembered per session: the people writing in it. */
const ACTORS_MAX = 2_000;

const snapshots = new Map<number, Snapshot>();
const inFlight = new Map<number, number>();
const missedAt = new Map<number, number>();

/** Remembers a session as it stands after a mutation of `actorId`, whose name fields were read with it. */
export function rememberSession(session: LiveSession, actorId: number, actor: ActorName): void {
  const known = snapshots.get(session.id);
  const same = known && sameRow(known.session, session);
  // Two mutations of this process may end in either order: keep the later row.
  if (same && known.session.seq > session.seq) return;
  const actors = same ? known.actors : new Map<number, ActorName>();
  if (actors.size >= ACTORS_MAX && !actors.has(actorId)) actors.clear();
  actors.set(actorId, actor);
  snapshots.delete(session.id);
  snapshots.set(session.id, { session, actors });
  if (snapshots.size > SNAPSHOTS_MAX) snapshots.delete(snapshots.keys().next().value!);
}

/** The same session row: ids are reused by another database (tests), so its creation time is compared too. */
const sameRow = (a: LiveSession, b: LiveSession) =>
  a.contextId === b.contextId && a.createdAt.getTime() === b.createdAt.getTime();

/** The session as this process last left it, with the actor's name fields, when a plan may be made from it. */
export function snapshotFor(
  sessionId: number,
  contextId: number,
  actorId: number,
): { session: LiveSession; actor: ActorName } | null {
  // The caller's own mutation is counted: more than one is another in flight.
  if ((inFlight.get(sessionId) ?? 0) > 1) return null;
  const missed = missedAt.get(sessionId);
  if (missed !== undefined) {
    if (Date.now() - missed < AFTER_MISS_MS) return null;
    missedAt.delete(sessionId);
  }
  const known = snapshots.get(sessionId);
  const actor = known?.actors.get(actorId);
  if (!known || !actor || known.session.contextId !== contextId) return null;
  return { session: known.session, actor };
}

/** The guard of a plan made from the snapshot failed: the row changed elsewhere. */
export function snapshotMissed(sessionId: number): void {
  snapshots.delete(sessionId);
  missedAt.set(sessionId, Date.now());
  if (missedAt.size > SNAPSHOTS_MAX) missedAt.delete(missedAt.keys().next().value!);
}

/** Counts a mutation of the session in flight in this process while `work` runs. */
export async function whileMutating<T>(sessionId: number, work: () => Promise<T>): Promise<T> {
  inFlight.set(sessionId, (inFlight.get(sessionId) ?? 0) + 1);
  try {
    return await work();
  } finally {
    const left = inFlight.get(sessionId)! - 1;
    if (left === 0) inFlight.delete(sessionId);
    else inFlight.set(sessionId, left);
  }
}

/** The session as it stands once a mutation planned from `session` has taken the next number. */
export function nextOf(session: LiveSession, now: Date): LiveSession {
  return LiveSession.build(
    { ...session.get({ plain: true }), seq: session.seq + 1, updatedAt: now },
    { isNewRecord: false, raw: true },
  );
}
