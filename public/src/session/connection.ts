import { io, type Socket } from 'socket.io-client';
import type { Ack, AckError } from '../../../server/sockets/events';
import type {
  JoinResult,
  MutationAck,
  ParticipantView,
  SessionClientEvents,
  SessionEvent,
  SessionEventType,
  SessionServerEvents,
} from '../../../server/sockets/session-events';

/** Commands that change the session: each carries a client id and acknowledges `{ seq }`. */
export type MutationEvent = Exclude<keyof SessionClientEvents, 'session:join' | 'session:leave' | 'presence:away'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A mutation's payload without what the connection adds (session id, client id). */
export type MutationInput<E extends MutationEvent> = DistributiveOmit<
  Parameters<SessionClientEvents[E]>[0],
  'sessionId' | 'clientId'
>;

/** Every sequenced broadcast: the client listens to all of them (checked against the contract below). */
const SEQUENCED = [
  'note:added',
  'note:edited',
  'note:moved',
  'note:coloured',
  'note:clustered',
  'note:deleted',
  'cluster:created',
  'cluster:renamed',
  'cluster:deleted',
  'vote:casted',
  'vote:retracted',
  'votes:revealed',
  'votes:hidden',
  'budget:changed',
  'session:locked',
  'session:unlocked',
  'phase:changed',
  'timer:started',
  'timer:paused',
  'timer:reset',
  'session:closed',
] as const satisfies readonly SessionEventType[];
// Fails to compile when the contract gains an event this list lacks.
const everyEvent: Exclude<SessionEventType, (typeof SEQUENCED)[number]> extends never ? true : never = true;
void everyEvent;

/** The server's error, in the user's language, for the control that caused it. */
export class CommandError extends Error {
  constructor(readonly error: AckError) {
    super(error.message);
  }
}

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export type ConnectionHandlers = {
  /** The whole state (first join, a long gap, or a replay too long for the log). */
  onState(result: Extract<JoinResult, { kind: 'state' }>['state']): void;
  /** One sequenced event, live or replayed, in arrival order; the caller checks its seq. */
  onEvent(event: SessionEvent): void;
  onPresence(participants: ParticipantView[]): void;
  onServerNow(serverNow: string): void;
  onStatus(status: ConnectionStatus, error?: AckError): void;
  /** The last applied seq, for `sinceSeq` on a re-join; null before the first state. */
  lastSeq(): number | null;
};

type Pending = {
  event: MutationEvent;
  payload: Record<string, unknown>;
  attempt: number;
  resolve(ack: MutationAck): void;
  reject(error: CommandError): void;
};
/** socket.io's emit with a timeout, for a command chosen at run time (the payload types are checked in `send`). */
type TimedEmit = {
  emit(event: string, payload: unknown, callback: (err: Error | null, ack: Ack<unknown>) => void): void;
};

/** How long one attempt waits for its acknowledgement before it is sent again. */
const ACK_TIMEOUT_MS = 10_000;
/** How long a join waits for its answer before it is asked again. */
const JOIN_TIMEOUT_MS = 8_000;

/**
 * The live connection of one session page (decision 0007): fetches a handshake token for every
 * (re)connect, joins after every connect (with `sinceSeq` once it has state), buffers broadcasts
 * while a join is under way, and sends mutations with client ids, retrying them after a
 * reconnect until acknowledged (the server applies a retried client id once).
 */
export class SessionConnection {
  private readonly socket: Socket;
  private readonly pending = new Map<string, Pending>();
  private joining = false;
  private joined = false;
  /** Bumped on every disconnect: a join answered after it belongs to a dead connection and is ignored. */
  private generation = 0;
  private buffered: SessionEvent[] = [];

  constructor(
    private readonly options: { sessionId: number; lt: string; lang: string },
    private readonly handlers: ConnectionHandlers,
  ) {
    this.socket = io({
      autoConnect: false,
      transports: ['websocket', 'polling'],
      auth: (callback) => {
        this.token().then(
          (token) => callback({ token, lang: options.lang }),
          () => callback({ lang: options.lang }),
        );
      },
    });
    const socket = this.socket as unknown as Socket<SessionServerEvents>;
    socket.on('connect', () => void this.join());
    socket.on('disconnect', () => {
      // socket.io-client drops a pending acknowledgement on disconnect: the join under way will
      // never be answered, so it is given up here and the next connect joins afresh.
      this.generation++;
      this.joining = false;
      this.buffered = [];
      this.joined = false;
      handlers.onStatus('offline');
    });
    socket.on('connect_error', (err: Error & { data?: AckError }) => {
      handlers.onStatus('offline', err.data);
      // A refused handshake is not retried by socket.io itself; try again with a fresh token.
      if (!this.socket.active) setTimeout(() => this.socket.connect(), 5000);
    });
    socket.on('presence:updated', ({ sessionId, participants }) => {
      if (sessionId === options.sessionId) handlers.onPresence(participants);
    });
    socket.on('timer:ended', ({ sessionId, serverNow }) => {
      if (sessionId === options.sessionId) handlers.onServerNow(serverNow);
    });
    for (const type of SEQUENCED) {
      this.socket.on(type, (data: SessionEvent['data']) => {
        if (data.sessionId !== options.sessionId) return;
        const event = { type, data } as SessionEvent;
        if (this.joining) this.buffered.push(event);
        else handlers.onEvent(event);
      });
    }
  }

  connect(): void {
    this.handlers.onStatus('connecting');
    this.socket.connect();
  }

  private async token(): Promise<string> {
    const response = await fetch(`/realtime/token?lt=${encodeURIComponent(this.options.lt)}`, {
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`token ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  }

  /**
   * Joins (or re-joins after a gap) with what the page already has; events broadcast meanwhile
   * are held and handed over after the join's answer, which the caller's seq check sorts out.
   */
  async join(): Promise<void> {
    if (this.joining || !this.socket.connected) return;
    this.joining = true;
    const generation = this.generation;
    const since = this.handlers.lastSeq();
    const payload = { sessionId: this.options.sessionId, ...(since === null ? {} : { sinceSeq: since }) };
    // Always settles: an answer, a timeout, or (through `generation`) a disconnect meanwhile.
    const ack = await new Promise<Ack<JoinResult> | null>((resolve) =>
      (this.socket.timeout(JOIN_TIMEOUT_MS) as unknown as TimedEmit).emit('session:join', payload, (err, answer) =>
        resolve(err ? null : (answer as Ack<JoinResult>)),
      ),
    );
    if (generation !== this.generation) return;
    this.joining = false;
    if (ack === null) {
      // No answer in time on a live connection: try again (a server that restarted answers the next one).
      this.buffered = [];
      if (this.socket.connected) void this.join();
      return;
    }
    if ('error' in ack) {
      this.buffered = [];
      this.handlers.onStatus('offline', ack.error);
      return;
    }
    const result = ack.data;
    if (result.kind === 'state') {
      this.handlers.onServerNow(result.state.serverNow);
      this.handlers.onState(result.state);
    } else {
      this.handlers.onServerNow(result.serverNow);
      this.handlers.onPresence(result.participants);
      for (const event of result.events) this.handlers.onEvent(event);
    }
    const held = this.buffered.sort((a, b) => a.data.seq - b.data.seq);
    this.buffered = [];
    this.joined = true;
    this.handlers.onStatus('online');
    for (const event of held) this.handlers.onEvent(event);
    if (typeof document !== 'undefined' && document.hidden) this.setAway(true);
    for (const [clientId, entry] of this.pending) this.attempt(clientId, entry);
  }

  /** Sends a mutation; resolves with its ack, rejects with the server's error. Retried until answered. */
  send<E extends MutationEvent>(
    event: E,
    input: MutationInput<E>,
    clientId: string = crypto.randomUUID(),
  ): Promise<MutationAck> {
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        event,
        payload: { ...input, sessionId: this.options.sessionId, clientId },
        attempt: 0,
        resolve,
        reject,
      };
      this.pending.set(clientId, entry);
      if (this.joined) this.attempt(clientId, entry);
    });
  }

  /** Whether a mutation with this client id still waits for its acknowledgement. */
  isPending(clientId: string): boolean {
    return this.pending.has(clientId);
  }

  private attempt(clientId: string, entry: Pending): void {
    const attempt = ++entry.attempt;
    (this.socket.timeout(ACK_TIMEOUT_MS) as unknown as TimedEmit).emit(entry.event, entry.payload, (err, ack) => {
      if (attempt !== entry.attempt || !this.pending.has(clientId)) return;
      // No answer: send again while connected; otherwise the next join sends it.
      if (err) {
        if (this.joined) this.attempt(clientId, entry);
        return;
      }
      this.pending.delete(clientId);
      if ('error' in ack) entry.reject(new CommandError(ack.error));
      else entry.resolve(ack.data as MutationAck);
    });
  }

  /** Tells the others this tab is hidden (away) or visible again. */
  setAway(away: boolean): void {
    if (this.joined) this.socket.emit('presence:away', { sessionId: this.options.sessionId, away }, () => undefined);
  }
}
