import crypto from 'node:crypto';
import type { Language } from '../../i18n';
import type { LiveSession, SessionCluster, SessionNote } from '../../store/session-models';
import type {
  ClusterView,
  NoteColour,
  NoteView,
  SessionEvent,
  SessionView,
  TemplateView,
  TimerView,
  VoteChange,
} from '../../sockets/session-events';
import { lockedPhasesOf } from './session.policy';
import type { StoredEvent } from './session-mutation';
import type { SessionTemplate } from './session-template';

/** Who is looking: shapes what vote information they get. */
export type Viewer = { userId: number; facilitator: boolean; language: Language };

const hash = (...parts: (string | number)[]) =>
  crypto.createHash('sha256').update(parts.join(':')).digest('base64url').slice(0, 16);

/** A note author's per-session pseudonym: stable in the session, unlinkable to the user elsewhere. */
export const authorHandle = (session: LiveSession, userId: number) => hash('author', session.authorSalt, userId);

/** The presence list key of a user: not the author handle, so anonymous notes stay anonymous. */
export const presenceKey = (session: LiveSession, userId: number) => hash('presence', session.authorSalt, userId);

/** The template's labels in the viewer's language. */
export function presentTemplate(template: SessionTemplate, lang: Language): TemplateView {
  const list = (items: SessionTemplate['lanes']) => items.map((i) => ({ key: i.key, label: i.label[lang] }));
  return {
    key: template.key,
    title: template.title[lang],
    description: template.description[lang],
    lanes: list(template.lanes),
    columns: list(template.columns),
    phases: list(template.phases),
    editOthers: template.editOthers,
  };
}

/** The timer: running (ends at), paused (time left) or idle. */
export function timerView(session: LiveSession): TimerView {
  if (session.timerEndsAt) return { status: 'running', endsAt: new Date(session.timerEndsAt).toISOString() };
  if (session.timerRemainingMs !== null && session.timerRemainingMs !== undefined)
    return { status: 'paused', remainingMs: session.timerRemainingMs };
  return { status: 'idle' };
}

export function presentSession(session: LiveSession): SessionView {
  return {
    id: session.id,
    title: session.title,
    language: session.language as SessionView['language'],
    templateKey: session.templateKey,
    anonymous: session.anonymous,
    completionReporting: session.completionReporting,
    voteBudget: session.voteBudget,
    votesRevealed: session.votesRevealed,
    locked: session.locked,
    lockedPhases: lockedPhasesOf(session),
    phase: session.phase,
    timer: timerView(session),
    closed: session.closedAt !== null && session.closedAt !== undefined,
  };
}

/** The note fields everyone sees (a stored note, or one just written with plain SQL). */
type NoteFields = Pick<
  SessionNote,
  'clientId' | 'lane' | 'columnKey' | 'phase' | 'text' | 'colour' | 'clusterId' | 'authorId'
>;

/**
 * A note as everyone sees it, without its id (a new note's id is the client id of the event that
 * adds it); `authorName` is ignored in an anonymous session. No timestamps: the live page orders
 * by sequence number, and what goes to every participant should stay small.
 */
export function presentNoteBody(
  note: Omit<NoteFields, 'clientId'>,
  session: LiveSession,
  authorName: string | null,
): Omit<NoteView, 'id'> {
  return {
    lane: note.lane,
    column: note.columnKey,
    phase: note.phase,
    text: note.text,
    colour: note.colour as NoteColour,
    clusterId: note.clusterId ?? null,
    author: { handle: authorHandle(session, note.authorId), name: session.anonymous ? null : authorName },
  };
}

/** A note with its id, as in a session's state. */
export const presentNote = (note: NoteFields, session: LiveSession, authorName: string | null): NoteView => ({
  id: note.clientId,
  ...presentNoteBody(note, session, authorName),
});

export const presentCluster = (cluster: SessionCluster): ClusterView => ({
  id: cluster.clientId,
  label: cluster.label,
});

/**
 * A vote change for one viewer (decision 0007): the voter sees its own count, a facilitator (or
 * everyone once revealed) the total, anyone else only the sequence number.
 */
export function voteChangeFor(data: VoteChange & { voterId?: number }, viewer: Viewer, revealed: boolean): VoteChange {
  const { voterId, noteId, mine, total, ...rest } = data;
  const own = voterId === viewer.userId;
  const seesTotal = viewer.facilitator || revealed;
  if (!own && !seesTotal) return rest;
  return { ...rest, noteId, ...(own ? { mine } : {}), ...(seesTotal ? { total } : {}) };
}

/** A stored event as a viewer gets it, live or replayed. */
export function eventFor(event: StoredEvent, viewer: Viewer, revealed: boolean): SessionEvent {
  if (event.type === 'vote:casted' || event.type === 'vote:retracted')
    return { type: event.type, data: voteChangeFor(event.data as VoteChange, viewer, revealed) };
  const data: Record<string, unknown> = { ...event.data };
  delete data.voterId;
  return { type: event.type, data } as SessionEvent;
}
