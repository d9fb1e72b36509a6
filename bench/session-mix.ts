/**
 * A realistic workshop on the live session (issue 17): --clients participants (default 60) in one
 * session doing a mix at --rate operations per second in all (default 10) for --seconds
 * (default 20): adding notes (40 %), editing (20 %) and moving (15 %) their own notes, voting and
 * taking votes back within the budget (20 %), and going away and back (presence, 5 %). Reports
 * per operation the acknowledgement latency, the broadcast latency (sender's emit -> each other
 * participant's receipt), and whether every sequenced event reached every participant.
 *
 *   npm run bench:session-mix -- [--clients 60] [--rate 10] [--seconds 20] [--tsx|--dist]
 *
 * Not a test: never asserts timings; exits non-zero only when it could not run.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import { boundedRun, runBench } from './children';
import { usage } from './flags';
import { closeClients, COLUMNS, connectClients } from './session-clients';
import { siltaLoadTarget } from './session-setup';
import { percentile } from './stats';
import { startSilta } from './tools';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '60' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    tsx: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const { whole } = usage('bench:session-mix');
const clients = whole('clients', flags.clients, 2);
const rate = whole('rate', flags.rate, 1);
const seconds = whole('seconds', flags.seconds, 1);
const tmp = boundedRun('silta-bench-mix-', (seconds + 400) * 1000);

const LANES = ['social-services', 'health-care', 'kela', 'occupational-health', 'workplaces', 'ngos'];
const SEQUENCED = ['note:added', 'note:edited', 'note:moved', 'vote:casted', 'vote:retracted'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

type Ack = { data?: unknown; error?: { code: string; message: string } };
type Op = 'add' | 'edit' | 'move' | 'vote' | 'presence';
const MIX: [Op, number][] = [
  ['add', 0.4],
  ['edit', 0.2],
  ['move', 0.15],
  ['vote', 0.2],
  ['presence', 0.05],
];

function choose(): Op {
  let r = Math.random();
  for (const [op, share] of MIX) if ((r -= share) < 0) return op;
  return 'add';
}

async function main() {
  const command = flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const);
  const silta = await startSilta({
    tmp,
    profile: false,
    verbose: flags.verbose!,
    command,
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  let sockets: Socket[] = [];
  try {
    const target = await siltaLoadTarget(silta, clients);
    console.error(`connecting ${clients} participants`);
    sockets = await connectClients(target, clients);
    const { sessionId } = target;
    const own: string[][] = sockets.map(() => []);
    const votes: string[][] = sockets.map(() => []);
    const allNotes: string[] = [];
    const away = sockets.map(() => false);
    const sentAt = new Map<string, { at: number; op: Op; from: number }>();
    const ackMs: Record<Op, number[]> = { add: [], edit: [], move: [], vote: [], presence: [] };
    const broadcastMs: Record<Op, number[]> = { add: [], edit: [], move: [], vote: [], presence: [] };
    const errors: Record<string, number> = {};
    const received = sockets.map(() => new Set<number>());
    let maxSeq = 0;

    sockets.forEach((socket, i) => {
      for (const event of SEQUENCED) {
        socket.on(event, (data: { seq: number; clientId: string }) => {
          received[i].add(data.seq);
          maxSeq = Math.max(maxSeq, data.seq);
          const sent = sentAt.get(data.clientId);
          if (sent && sent.from !== i) broadcastMs[sent.op].push(performance.now() - sent.at);
        });
      }
    });

    const emit = (i: number, event: string, payload: Record<string, unknown>, op: Op) => {
      const clientId = crypto.randomUUID();
      const at = performance.now();
      sentAt.set(clientId, { at, op, from: i });
      return new Promise<Ack>((resolve) =>
        sockets[i].timeout(15_000).emit(event, { sessionId, clientId, ...payload }, (err: Error | null, ack: Ack) => {
          const answer = err ? { error: { code: 'ack_timeout', message: err.message } } : ack;
          if (answer.error)
            errors[`${event} ${answer.error.code}`] = (errors[`${event} ${answer.error.code}`] ?? 0) + 1;
          else ackMs[op].push(performance.now() - at);
          resolve(answer);
        }),
      ).then((ack) => ({ ack, clientId }));
    };

    async function operate(i: number): Promise<void> {
      let op = choose();
      if ((op === 'edit' || op === 'move') && own[i].length === 0) op = 'add';
      if (op === 'vote' && allNotes.length === 0) op = 'add';
      switch (op) {
        case 'add': {
          const { ack, clientId } = await emit(
            i,
            'note:add',
            {
              lane: pick(LANES),
              column: pick(COLUMNS),
              text: `Havainto ${i}: yhteinen arvio ennen kuntoutusta`,
              colour: 'yellow',
            },
            op,
          );
          if (!ack.error) {
            own[i].push(clientId);
            allNotes.push(clientId);
          }
          return;
        }
        case 'edit':
          return void (await emit(i, 'note:edit', { noteId: pick(own[i]), text: `Muokattu ${Date.now()}` }, op));
        case 'move':
          return void (await emit(
            i,
            'note:move',
            { noteId: pick(own[i]), lane: pick(LANES), column: pick(COLUMNS) },
            op,
          ));
        case 'vote': {
          // Within the default budget (5): a sixth vote takes one back first.
          if (votes[i].length >= 5) {
            const noteId = votes[i].shift()!;
            const { ack } = await emit(i, 'vote:retract', { noteId }, op);
            if (ack.error) votes[i].unshift(noteId);
            return;
          }
          // Counted before it is answered: a participant's next vote may go while this one is in flight.
          const noteId = pick(allNotes);
          votes[i].push(noteId);
          const { ack } = await emit(i, 'vote:cast', { noteId }, op);
          if (ack.error) votes[i].splice(votes[i].indexOf(noteId), 1);
          return;
        }
        case 'presence': {
          away[i] = !away[i];
          const at = performance.now();
          sockets[i].emit('presence:away', { sessionId, away: away[i] }, () =>
            ackMs.presence.push(performance.now() - at),
          );
          return;
        }
      }
    }

    console.error(`running the mix: ${rate} operations/s for ${seconds} s`);
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let n = 0; n < rate * seconds; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(operate(Math.floor(Math.random() * clients)));
    }
    await Promise.all(pending);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const missing = received.reduce((sum, seqs) => sum + (maxSeq - seqs.size), 0);
    const fmt = (values: number[]) =>
      values.length
        ? `p50 ${percentile(values, 50).toFixed(1).padStart(6)}   p95 ${percentile(values, 95).toFixed(1).padStart(6)}   p99 ${percentile(values, 99).toFixed(1).padStart(6)}   n ${values.length}`
        : 'none';
    console.log(
      `\nLive-session mix: ${clients} participants, ${rate} operations/s for ${seconds} s (Silta: ${silta.label})`,
    );
    for (const [op] of MIX) {
      console.log(`${op.padEnd(9)} ack (ms)        ${fmt(ackMs[op])}`);
      if (op !== 'presence') console.log(`${''.padEnd(9)} broadcast (ms)  ${fmt(broadcastMs[op])}`);
    }
    console.log(`sequenced events: ${maxSeq}; deliveries missing: ${missing} of ${maxSeq * clients}`);
    console.log(`errors: ${Object.keys(errors).length ? JSON.stringify(errors) : 'none'}`);
  } finally {
    closeClients(sockets);
    await silta.stop();
  }
}

runBench(main);
