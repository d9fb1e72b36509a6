/**
 * The typed Socket.IO contract, shared by the server and (as types) by the browser bundle.
 * Commands are `entity:verb` and always acknowledge with an Ack; broadcasts are `entity:verbed`.
 * Features (live sessions, the live board) add their events here.
 */
import type { Server, Socket } from 'socket.io';
import type { SiltaRole } from '../../lti/roles';
import type { Language } from '../i18n';
import type { LivePresence, SessionClientEvents, SessionServerEvents } from './session-events';
import type { BoardClientEvents, BoardServerEvents } from './board-live-events';

/** An error as a socket client sees it: a stable code and a message in the user's language. */
export type AckError = { code: string; message: string };

/** Every command's acknowledgement. */
export type Ack<T> = { data: T } | { error: AckError };

/** The acknowledgement callback a command receives as its last argument. */
export type AckFn<T> = (ack: Ack<T>) => void;

/** `connect_error` data when the handshake is refused (err.data on the client). */
export type ConnectErrorData = AckError;

export interface ClientToServerEvents extends SessionClientEvents, BoardClientEvents {
  /** Joins a room; only `context:<id>` of the socket's own launch context is allowed. */
  'room:join': (payload: unknown, ack: AckFn<{ room: string }>) => void;
  /**
   * TEST ONLY (registered only with NODE_ENV=test): broadcasts `test:broadcasted` to the
   * socket's own context room, to show a broadcast crossing instances through the adapter.
   */
  'test:broadcast': (payload: unknown, ack: AckFn<{ room: string }>) => void;
}

export interface ServerToClientEvents extends SessionServerEvents, BoardServerEvents {
  /** TEST ONLY: what `test:broadcast` sent, with the instance's port. */
  'test:broadcasted': (payload: { text: string; from: number }) => void;
}

/** Server-to-server events (none yet). */
export type InterServerEvents = Record<string, never>;

/**
 * Who the socket is, set by the handshake middleware from the launch. Plain values only: with
 * connection state recovery it is stored (in Redis with several instances) and restored.
 */
export interface SocketData {
  sessionId: string;
  userId: number;
  contextId: number;
  role: SiltaRole;
  language: Language;
  /** The live session this socket is in, for the presence list (decision 0007). */
  livePresence?: LivePresence;
}

/** The server and socket types with Silta's contract. */
export type SiltaServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SiltaSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
