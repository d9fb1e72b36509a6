/**
 * The live-session part of the Socket.IO contract (issue 5; decision 0007). `events.ts` extends
 * its ClientToServerEvents / ServerToClientEvents with these. The browser client (H4) imports the
 * types only. Keep this file stable: a change here is a change of docs/decisions/0007.
 */
import type { AckFn } from './events';

/** A client-generated UUID: the idempotency key of a mutation and the id of what it creates. */
export type ClientId = string;

/** Note colours: CSS classes `session-note--<colour>` on the client. */
export const NOTE_COLOURS = ['yellow', 'blue', 'green', 'pink', 'orange', 'purple'] as const;
export type NoteColour = (typeof NOTE_COLOURS)[number];

/** A label in the viewer's language, with the stable key from the template. */
export type Labelled = { key: string; label: string };

/** The method template as a viewer sees it (labels in the viewer's language). */
export type TemplateView = {
  key: string;
  title: string;
  description: string;
  lanes: Labelled[];
  columns: Labelled[];
  phases: Labelled[];
  /** Whether participants may edit, move, colour and delete notes of others. */
  editOthers: boolean;
};

/** The session timer; times are the server's (ISO strings), compare with `serverNow`. */
export type TimerView =
  { status: 'idle' } | { status: 'running'; endsAt: string } | { status: 'paused'; remainingMs: number };

export type SessionView = {
  id: number;
  title: string;
  language: 'fi' | 'sv' | 'en';
  templateKey: string;
  anonymous: boolean;
  completionReporting: boolean;
  voteBudget: number;
  votesRevealed: boolean;
  /** The whole board is locked: participants change nothing (the facilitator still can). */
  locked: boolean;
  /** Locked phases: participants add no notes while one is current, nor change notes made in one. */
  lockedPhases: string[];
  phase: string | null;
  timer: TimerView;
  closed: boolean;
};

/**
 * A note. `author.handle` is an opaque per-session pseudonym (compare with `me.handle` for "mine");
 * `author.name` is null in an anonymous session.
 */
export type NoteView = {
  id: ClientId;
  lane: string;
  column: string;
  phase: string | null;
  text: string;
  colour: NoteColour;
  clusterId: ClientId | null;
  author: { handle: string; name: string | null };
};

export type ClusterView = { id: ClientId; label: string };

/**
 * Votes as this viewer may see them: own votes always; totals only for a facilitator or after
 * the facilitator revealed them (`null` otherwise).
 */
export type VotesView = { mine: Record<ClientId, number>; used: number; totals: Record<ClientId, number> | null };

/** Someone in the session now. `name` is null for participants of an anonymous session; the region's label is in the session's language. */
export type ParticipantView = {
  key: string;
  name: string | null;
  region: Labelled | null;
  status: 'online' | 'away';
  facilitator: boolean;
};

/** What a socket in a session shows in the presence list (kept in socket.data, so it spans instances). */
export type LivePresence = { sessionId: number; userId: number; view: Omit<ParticipantView, 'status'>; away: boolean };

/** Who the viewer is in this session and what the UI may offer. */
export type MeView = { handle: string; presenceKey: string; facilitator: boolean };

/** Everything a client needs to draw a session: `session:join` returns it. */
export type SessionState = {
  /** The last event applied to this state; live events continue from seq + 1. */
  seq: number;
  serverNow: string;
  session: SessionView;
  template: TemplateView;
  notes: NoteView[];
  clusters: ClusterView[];
  votes: VotesView;
  participants: ParticipantView[];
  me: MeView;
};

/** Every sequenced broadcast carries its seq and the client id of the mutation that caused it. */
type Sequenced = { sessionId: number; seq: number; clientId: ClientId };

/**
 * A vote change. What a viewer gets depends on who they are: the voter gets `mine`, a
 * facilitator (or everyone after reveal) gets `total`; others get neither (the event still
 * carries its seq, so sequence numbers stay gap-free for every client).
 */
export type VoteChange = Sequenced & { noteId?: ClientId; mine?: number; total?: number };

/** Sequenced broadcasts to `session:<id>`, also replayed by `session:join` with `sinceSeq`. */
export interface SessionEventMap {
  /** The new note's id is the event's `clientId` (sent once, not twice: this goes to every participant). */
  'note:added': Sequenced & { note: Omit<NoteView, 'id'> };
  'note:edited': Sequenced & { noteId: ClientId; text: string };
  'note:moved': Sequenced & { noteId: ClientId; lane: string; column: string };
  'note:coloured': Sequenced & { noteId: ClientId; colour: NoteColour };
  'note:clustered': Sequenced & { noteId: ClientId; clusterId: ClientId | null };
  'note:deleted': Sequenced & { noteId: ClientId };
  'cluster:created': Sequenced & { cluster: ClusterView };
  'cluster:renamed': Sequenced & { clusterId: ClientId; label: string };
  /** Its notes become unclustered. */
  'cluster:deleted': Sequenced & { clusterId: ClientId };
  'vote:casted': VoteChange;
  'vote:retracted': VoteChange;
  /** Totals of every note with votes. */
  'votes:revealed': Sequenced & { totals: Record<ClientId, number> };
  'votes:hidden': Sequenced;
  'budget:changed': Sequenced & { voteBudget: number };
  'session:locked': Sequenced & { locked: boolean; lockedPhases: string[] };
  'session:unlocked': Sequenced & { locked: boolean; lockedPhases: string[] };
  'phase:changed': Sequenced & { phase: string };
  'timer:started': Sequenced & { timer: TimerView; serverNow: string };
  'timer:paused': Sequenced & { timer: TimerView; serverNow: string };
  'timer:reset': Sequenced & { timer: TimerView; serverNow: string };
  'session:closed': Sequenced;
}

export type SessionEventType = keyof SessionEventMap;

/** One replayed event: the name it is broadcast under and its payload. */
export type SessionEvent = { [K in SessionEventType]: { type: K; data: SessionEventMap[K] } }[SessionEventType];

/** `session:join`'s answer: the whole state, or only the missed events when they are still in the log. */
export type JoinResult =
  | { kind: 'state'; state: SessionState }
  | { kind: 'events'; seq: number; events: SessionEvent[]; participants: ParticipantView[]; serverNow: string };

/** What every mutation acknowledges: the seq of its event (the same on a retry with the same client id). */
export type MutationAck = { seq: number };

/** Lock scope: the whole board or one phase. */
export type LockScope = { scope: 'board' } | { scope: 'phase'; phase: string };

export interface SessionClientEvents {
  /** `{ sessionId, sinceSeq? }`. Authorised: the session must be in the socket's launch context. */
  'session:join': (payload: { sessionId: number; sinceSeq?: number }, ack: AckFn<JoinResult>) => void;
  /** `{ sessionId }`: leaves the room (also on disconnect). */
  'session:leave': (payload: { sessionId: number }, ack: AckFn<{ left: true }>) => void;
  /** `{ sessionId, away }`: tab hidden (true) or visible again (false). Not sequenced. */
  'presence:away': (payload: { sessionId: number; away: boolean }, ack: AckFn<{ away: boolean }>) => void;

  'note:add': (
    payload: { sessionId: number; clientId: ClientId; lane: string; column: string; text: string; colour?: NoteColour },
    ack: AckFn<MutationAck>,
  ) => void;
  'note:edit': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId; text: string },
    ack: AckFn<MutationAck>,
  ) => void;
  'note:move': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId; lane: string; column: string },
    ack: AckFn<MutationAck>,
  ) => void;
  'note:colour': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId; colour: NoteColour },
    ack: AckFn<MutationAck>,
  ) => void;
  'note:delete': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId },
    ack: AckFn<MutationAck>,
  ) => void;
  'note:cluster': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId; clusterId: ClientId | null },
    ack: AckFn<MutationAck>,
  ) => void;
  'cluster:create': (
    payload: { sessionId: number; clientId: ClientId; label: string },
    ack: AckFn<MutationAck>,
  ) => void;
  'cluster:rename': (
    payload: { sessionId: number; clientId: ClientId; clusterId: ClientId; label: string },
    ack: AckFn<MutationAck>,
  ) => void;
  'cluster:delete': (
    payload: { sessionId: number; clientId: ClientId; clusterId: ClientId },
    ack: AckFn<MutationAck>,
  ) => void;
  'vote:cast': (payload: { sessionId: number; clientId: ClientId; noteId: ClientId }, ack: AckFn<MutationAck>) => void;
  'vote:retract': (
    payload: { sessionId: number; clientId: ClientId; noteId: ClientId },
    ack: AckFn<MutationAck>,
  ) => void;

  // Facilitator only (Instructor or administrator of the session's course).
  'session:lock': (payload: { sessionId: number; clientId: ClientId } & LockScope, ack: AckFn<MutationAck>) => void;
  'session:unlock': (payload: { sessionId: number; clientId: ClientId } & LockScope, ack: AckFn<MutationAck>) => void;
  'phase:set': (payload: { sessionId: number; clientId: ClientId; phase: string }, ack: AckFn<MutationAck>) => void;
  /** Starts (or resumes a paused timer); `durationSeconds` is required unless resuming. */
  'timer:start': (
    payload: { sessionId: number; clientId: ClientId; durationSeconds?: number },
    ack: AckFn<MutationAck>,
  ) => void;
  'timer:pause': (payload: { sessionId: number; clientId: ClientId }, ack: AckFn<MutationAck>) => void;
  'timer:reset': (payload: { sessionId: number; clientId: ClientId }, ack: AckFn<MutationAck>) => void;
  'votes:reveal': (payload: { sessionId: number; clientId: ClientId }, ack: AckFn<MutationAck>) => void;
  'votes:hide': (payload: { sessionId: number; clientId: ClientId }, ack: AckFn<MutationAck>) => void;
  'budget:set': (
    payload: { sessionId: number; clientId: ClientId; voteBudget: number },
    ack: AckFn<MutationAck>,
  ) => void;
  /** Ends the session: nothing changes afterwards; completions go to Moodle when reporting is on. */
  'session:close': (payload: { sessionId: number; clientId: ClientId }, ack: AckFn<MutationAck>) => void;
}

/** Not sequenced: presence and the timer's end are live-only and never replayed. */
export interface SessionLiveEvents {
  /** The whole list, sent on every join, leave, disconnect and away change. */
  'presence:updated': (payload: { sessionId: number; participants: ParticipantView[] }) => void;
  /** The running timer reached its end (informational: clients already count down from endsAt). */
  'timer:ended': (payload: { sessionId: number; serverNow: string }) => void;
}

export type SessionServerEvents = SessionLiveEvents & {
  [K in SessionEventType]: (payload: SessionEventMap[K]) => void;
};
