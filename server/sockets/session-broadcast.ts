import type { LiveSession } from '../store/session-models';
import { eventFor, type Viewer } from '../domain/sessions/session.presenter';
import type { StoredEvent } from '../domain/sessions/session-mutation';
import type { SiltaServer } from './events';
import type { ParticipantView } from './session-events';

/** Everyone in a session. */
export const sessionRoom = (sessionId: number) => `session:${sessionId}`;
/** The session's facilitators (they see vote totals before reveal). */
export const facilitatorRoom = (sessionId: number) => `session:${sessionId}:facilitators`;
/** All sockets (tabs) of one user in a session (they see the user's own votes). */
export const userRoom = (sessionId: number, userId: number) => `session:${sessionId}:user:${userId}`;

type Emitter = { emit(event: string, payload: unknown): boolean };

/**
 * Broadcasts a committed event to the session's room. Vote events are shaped per audience (the
 * voter, facilitators, everyone else), the same way `eventFor` shapes them on replay.
 */
export function broadcastEvent(io: SiltaServer, session: LiveSession, event: StoredEvent, actor: Viewer): void {
  const id = session.id;
  // Only vote events carry what some viewers may not see (the voter): every other event goes to
  // the whole room as stored, encoded once, with no per-message copy.
  if (event.type !== 'vote:casted' && event.type !== 'vote:retracted')
    return void (io.to(sessionRoom(id)) as Emitter).emit(event.type, event.data);
  const send = (to: unknown, viewer: Viewer) => {
    const shaped = eventFor(event, viewer, session.votesRevealed);
    (to as Emitter).emit(shaped.type, shaped.data);
  };
  const voter = userRoom(id, actor.userId);
  const other = { userId: -1, language: actor.language };
  send(io.to(sessionRoom(id)).except(facilitatorRoom(id)).except(voter), { ...other, facilitator: false });
  send(io.to(facilitatorRoom(id)).except(voter), { ...other, facilitator: true });
  send(io.to(voter), actor);
}

/**
 * The presence list of a session, from the sockets in its room on every instance (their
 * `socket.data.livePresence`): one entry per user, online when any of their tabs is visible.
 */
export async function presenceOf(io: SiltaServer, sessionId: number): Promise<ParticipantView[]> {
  const sockets = await io.in(sessionRoom(sessionId)).fetchSockets();
  const byUser = new Map<number, ParticipantView>();
  for (const socket of sockets) {
    const presence = socket.data.livePresence;
    if (!presence || presence.sessionId !== sessionId) continue;
    const seen = byUser.get(presence.userId);
    const status = presence.away ? 'away' : 'online';
    if (!seen || status === 'online') byUser.set(presence.userId, { ...presence.view, status });
  }
  // Facilitators first, then by name, so the list does not jump around.
  return [...byUser.values()].sort(
    (a, b) =>
      Number(b.facilitator) - Number(a.facilitator) ||
      (a.name ?? '').localeCompare(b.name ?? '') ||
      a.key.localeCompare(b.key),
  );
}

/** Sends the session's presence list to everyone in it (gathered by `PresenceBroadcasts`). */
export async function broadcastPresence(io: SiltaServer, sessionId: number): Promise<void> {
  const participants = await presenceOf(io, sessionId);
  io.to(sessionRoom(sessionId)).emit('presence:updated', { sessionId, participants });
}
