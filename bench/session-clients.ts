/**
 * The session benchmark's clients: N socket.io-client sockets in the benchmark process that join
 * one session, then notes sent by random clients at a fixed rate. Every client records when each
 * `note:added` broadcast reaches it; the latency of a delivery is from the sender's emit to that
 * receiver (one process, one clock). The same harness drives Silta and the bare server.
 */
import crypto from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io as connectClient, type Socket } from 'socket.io-client';
import { inParallel } from './module-setup';
import { appendAll } from './stats';

/** How to reach one server: its URL and Origin, each client's handshake token, and a note payload. */
export type LoadTarget = {
  name: string;
  url: string;
  origin: string;
  /** The handshake `auth.token` of client i (undefined: none). */
  token(index: number): Promise<string | undefined>;
  sessionId: number;
};

export type LoadOptions = { clients: number; rate: number; seconds: number; warmupSeconds: number; drainMs: number };

/** What one server's measured window gave. */
export type LoadResult = {
  tool: string;
  clients: number;
  sent: number;
  ackErrors: Record<string, number>;
  /** Broadcast deliveries: received, and expected (every measured note to every client). */
  received: number;
  expected: number;
  /** Emit → each receiver, ms. */
  latencies: number[];
  /** Emit → acknowledgement, ms. */
  acks: number[];
  wallMs: number;
  /** The benchmark process's event-loop delay while measuring, ms (p99, max): is the client side keeping up? */
  clientLoopP99Ms: number;
  clientLoopMaxMs: number;
  serverCpuMs?: number;
  serverRssMb?: number;
  serverPeakRssMb?: number;
};

type Ack = { data?: unknown; error?: { code: string; message: string } };

/** The service-chain template's lanes and columns, as the benchmarks place notes in them. */
export const LANES = [
  'social-services',
  'health-care',
  'rehabilitation',
  'employment-services',
  'occupational-health',
  'kela',
  'education',
  'workplaces',
  'ngos',
];
export const COLUMNS = ['concern', 'assessment', 'planning', 'support', 'return', 'follow-up'];
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

function emitWithAck(socket: Socket, event: string, payload: unknown, timeoutMs = 15_000): Promise<Ack> {
  return new Promise((resolve) => {
    socket
      .timeout(timeoutMs)
      .emit(event, payload, (err: Error | null, ack: Ack) =>
        resolve(err ? { error: { code: 'ack_timeout', message: err.message } } : ack),
      );
  });
}

/** Connects and joins `count` clients, 10 at a time (set-up, not timed). */
export async function connectClients(target: LoadTarget, count: number): Promise<Socket[]> {
  const sockets: Socket[] = new Array(count);
  await inParallel(count, 10, async (i) => {
    const socket = connectClient(target.url, {
      autoConnect: false,
      reconnection: false,
      forceNew: true,
      transports: ['websocket'],
      extraHeaders: { origin: target.origin },
      auth: { token: await target.token(i) },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err: Error) =>
        reject(new Error(`${target.name}: client ${i} could not connect: ${err.message}`)),
      );
      socket.connect();
    });
    const joined = await emitWithAck(socket, 'session:join', { sessionId: target.sessionId });
    if (joined.error)
      throw new Error(`${target.name}: client ${i} could not join: ${joined.error.code} ${joined.error.message}`);
    sockets[i] = socket;
  });
  return sockets;
}

/** Waits until `ms` have passed with no event reaching any client (the join's presence storm is over). */
async function quiet(sockets: Socket[], ms: number, limitMs: number): Promise<void> {
  let last = performance.now();
  const touch = () => (last = performance.now());
  for (const s of sockets) s.onAny(touch);
  const until = performance.now() + limitMs;
  while (performance.now() - last < ms && performance.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 50));
  for (const s of sockets) s.offAny(touch);
}

/**
 * Sends notes at `rate` per second from random clients for `warmupSeconds` (not recorded) and
 * then `seconds` (recorded), waits `drainMs` at most for the last broadcasts, and returns the
 * figures. `measure` brackets the recorded notes from the first one's emit to the last delivery
 * (server CPU and memory are read there).
 */
export async function runLoad(
  target: LoadTarget,
  sockets: Socket[],
  options: LoadOptions,
  measure: { before(): void; after(result: LoadResult): void },
): Promise<LoadResult> {
  await quiet(sockets, 500, 30_000);
  const result: LoadResult = {
    tool: target.name,
    clients: sockets.length,
    sent: 0,
    ackErrors: {},
    received: 0,
    expected: 0,
    latencies: [],
    acks: [],
    wallMs: 0,
    clientLoopP99Ms: 0,
    clientLoopMaxMs: 0,
  };
  const sentAt = new Map<string, number>();
  const onNote = (payload: { clientId?: string }) => {
    const at = performance.now();
    const sent = payload?.clientId ? sentAt.get(payload.clientId) : undefined;
    if (sent === undefined) return;
    result.received++;
    result.latencies.push(at - sent);
  };
  for (const s of sockets) s.on('note:added', onNote);

  const interval = 1000 / options.rate;
  const total = Math.round((options.warmupSeconds + options.seconds) * options.rate);
  const warmup = Math.round(options.warmupSeconds * options.rate);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let windowStart = start;
  for (let k = 0; k < total; k++) {
    const wait = start + k * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const recorded = k >= warmup;
    if (k === warmup) {
      windowStart = performance.now();
      measure.before();
      lag.enable();
    }
    const clientId = crypto.randomUUID();
    const socket = pick(sockets);
    const t0 = performance.now();
    if (recorded) {
      sentAt.set(clientId, t0);
      result.sent++;
    }
    const payload = {
      sessionId: target.sessionId,
      clientId,
      lane: pick(LANES),
      column: pick(COLUMNS),
      text: `bench note ${k}`,
    };
    pending.push(
      emitWithAck(socket, 'note:add', payload).then((ack) => {
        if (!recorded) return;
        if (ack.error) result.ackErrors[ack.error.code] = (result.ackErrors[ack.error.code] ?? 0) + 1;
        else result.acks.push(performance.now() - t0);
      }),
    );
  }
  result.wallMs = performance.now() - windowStart;
  await Promise.all(pending);
  // A refused note is broadcast to nobody: expected deliveries are those of the accepted ones.
  result.expected = result.acks.length * sockets.length;
  const drainUntil = performance.now() + options.drainMs;
  while (result.received < result.expected && performance.now() < drainUntil)
    await new Promise((resolve) => setTimeout(resolve, 20));
  lag.disable();
  measure.after(result);
  for (const s of sockets) s.off('note:added', onNote);
  result.clientLoopP99Ms = lag.percentile(99) / 1e6;
  result.clientLoopMaxMs = lag.max / 1e6;
  return result;
}

/** Adds one round's figures to a tool's totals (latencies pooled; memory as last read, peak the highest). */
export function mergeLoad(total: LoadResult | undefined, round: LoadResult): LoadResult {
  if (!total)
    return { ...round, ackErrors: { ...round.ackErrors }, latencies: [...round.latencies], acks: [...round.acks] };
  total.sent += round.sent;
  for (const [code, count] of Object.entries(round.ackErrors))
    total.ackErrors[code] = (total.ackErrors[code] ?? 0) + count;
  total.received += round.received;
  total.expected += round.expected;
  appendAll(total.latencies, round.latencies);
  appendAll(total.acks, round.acks);
  total.wallMs += round.wallMs;
  total.clientLoopP99Ms = Math.max(total.clientLoopP99Ms, round.clientLoopP99Ms);
  total.clientLoopMaxMs = Math.max(total.clientLoopMaxMs, round.clientLoopMaxMs);
  if (round.serverCpuMs !== undefined) total.serverCpuMs = (total.serverCpuMs ?? 0) + round.serverCpuMs;
  total.serverRssMb = round.serverRssMb ?? total.serverRssMb;
  total.serverPeakRssMb = Math.max(total.serverPeakRssMb ?? 0, round.serverPeakRssMb ?? 0) || undefined;
  return total;
}

/** Disconnects every client. */
export function closeClients(sockets: Socket[]): void {
  for (const s of sockets) s?.disconnect();
}
