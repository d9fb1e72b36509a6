/**
 * Live-session load benchmark (issue 5): N socket.io clients in one session and M notes/s added
 * by random clients, against Silta and against a bare Socket.IO broadcast server
 * (bench/session-bare.ts) in the same run. Prints broadcast latency p50/p95/p99 (sender's emit →
 * each client's receipt of `note:added`), acknowledgement latency, server CPU and RSS, the
 * benchmark process's own event-loop lag (are the clients keeping up?) and Silta p95 / bare p95.
 *
 *   npm run bench:session -- [--clients 300] [--rate 20] [--seconds 30] [--warmup 5] [--rounds 3]
 *                            [--tsx|--dist] [--postgres] [--profile] [--heap-snapshot] [--verbose] [--json file]
 *
 * Set-up (not timed): Silta (fresh SQLite, or with --postgres / DATABASE_URL=postgres://… a fresh
 * PostgreSQL database the benchmark creates and drops; from dist/ or tsx like the other benches) and the bare
 * server as child processes; Silta runs as in production, launched only by the benchmark's
 * platform simulator (registered with `platform:add`; no development platform): a facilitator
 * launch creates the session and N participant launches get realtime tokens; then both sets of clients connect and join, 10 at a time. The
 * measured seconds are split into rounds that alternate between the two servers (as the launch
 * benchmark does), so a change in the machine's speed during the run hits both alike. Not a
 * test: it exits non-zero only when it could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  boundedRun,
  compileForNode,
  cpuMs,
  freePort,
  nodeArgs,
  ROOT,
  runBench,
  startChild,
  type Child,
} from './children';
import { summariseCpuProfile } from './cpu-summary';
import { summariseSqlTotals, traceMark } from './profile';
import type { Socket } from 'socket.io-client';
import {
  closeClients,
  connectClients,
  mergeLoad,
  runLoad,
  type LoadOptions,
  type LoadResult,
  type LoadTarget,
} from './session-clients';
import { reportSessionLoad, rssMb } from './session-report';
import { siltaLoadTarget } from './session-setup';
import { startSilta, type StartedTool } from './tools';
import { usage } from './flags';
import { summariseHeapSnapshot, waitForSnapshot } from './heap-summary';
import { postgresServer } from './databases';
import { calibrationLine, calibrationMs } from './calibration';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '300' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    tsx: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'heap-snapshot': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const { whole, fail } = usage('bench:session');
const options: LoadOptions = {
  clients: whole('clients', flags.clients, 1),
  rate: whole('rate', flags.rate, 1),
  seconds: whole('seconds', flags.seconds, 1),
  warmupSeconds: whole('warmup', flags.warmup, 0),
  drainMs: 10_000,
};
// A profile is cut around one measured window, so --profile measures in one round.
const rounds = flags.profile ? 1 : whole('rounds', flags.rounds, 1);
/** Warm-up before each later round: the server was idle while the other one was measured. */
const REWARM_SECONDS = 1;

// Bounded in time whatever happens: start-up, set-up and two measured runs.
// The set-up launches every client and joins it: on a loaded machine about a second per client.
const tmp = boundedRun(
  'silta-bench-session-',
  ((options.seconds + options.warmupSeconds) * 2 + 300 + options.clients) * 1000,
);

/** The bare Socket.IO server on a free port; compiled for plain node when Silta runs from dist/, as Silta is. */
async function startBare(plainNode: boolean): Promise<{ child: Child; target: LoadTarget; label: string }> {
  const port = await freePort();
  let script = path.join(__dirname, 'session-bare.ts');
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PORT: String(port), NODE_ENV: 'production' };
  if (plainNode) {
    script = await compileForNode(script, tmp);
    env.NODE_PATH = path.join(ROOT, 'node_modules');
  }
  const label = plainNode
    ? 'node session-bare.js (bench/session-bare.ts compiled with esbuild)'
    : 'node --import tsx bench/session-bare.ts';
  console.error(`starting bare socket.io: ${label} on port ${port}`);
  const child = startChild('bare', nodeArgs(script, { tsx: !plainNode }), env, flags.verbose!);
  await child.waitForLine(/BENCH_READY/, 60_000);
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    label,
    target: { name: 'bare socket.io', url, origin: url, sessionId: 1, token: async () => undefined },
  };
}

type Server = { target: LoadTarget; child: Child; traced?: StartedTool; sockets: Socket[] };

/** Runs one round of load on one server and reads the server's CPU and memory around the measured window. */
async function measure(server: Server, roundOptions: LoadOptions): Promise<{ result: LoadResult; profile?: string }> {
  const { target, child, traced, sockets } = server;
  const pid = child.process.pid;
  let cpuBefore: number | undefined;
  let trace: Promise<{ sql: string; cpu: string }> | undefined;
  console.error(
    `${target.name}: ${roundOptions.rate} notes/s for ${roundOptions.warmupSeconds} + ${roundOptions.seconds} s`,
  );
  const result = await runLoad(target, sockets, roundOptions, {
    before: () => {
      if (traced) traceMark(traced.child, traced.traceDir, 1).catch(() => undefined);
      cpuBefore = cpuMs(pid);
    },
    after: (r) => {
      const cpuAfter = cpuMs(pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) r.serverCpuMs = cpuAfter - cpuBefore;
      const { rss, peak } = rssMb(pid);
      [r.serverRssMb, r.serverPeakRssMb] = [rss, peak];
      if (traced) trace = traceMark(traced.child, traced.traceDir, 2);
    },
  });
  const files = trace && (await trace);
  const profile = files
    ? [
        summariseSqlTotals(files.sql, Math.max(1, result.sent), 'note'),
        summariseCpuProfile(files.cpu, Math.max(1, result.sent), 'note'),
      ].join('\n')
    : undefined;
  return { result, profile };
}

async function main() {
  const command = flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const);
  // --heap-snapshot: node writes a snapshot on SIGUSR2 (the signal --profile uses for its own marks).
  if (flags['heap-snapshot'] && flags.profile) fail('--heap-snapshot and --profile cannot be combined');
  const heapDir = path.join(tmp, 'heap');
  const heapEnv = flags['heap-snapshot']
    ? {
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}`.trim(),
      }
    : {};
  const silta = await startSilta({
    tmp,
    profile: flags.profile!,
    verbose: flags.verbose!,
    command,
    env: { RATE_LIMIT_PER_MINUTE: '1000000', ...heapEnv },
    postgres: postgresServer(flags.postgres),
    // Launched as in production, by a registered platform: the memory figures are a production
    // instance's, without the development platform's ltijs (decision 0037).
    platformSim: true,
  });
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  const servers: Server[] = [];
  const joined: string[] = [];
  try {
    bare = await startBare(!silta.label.includes('tsx'));
    // Where Silta's memory grows: at rest, after the launches, after the sockets joined (below).
    const started = rssMb(silta.child.process.pid).rss;
    const siltaTarget = await siltaLoadTarget(silta, options.clients);
    const launched = rssMb(silta.child.process.pid).rss;
    console.log(
      `Silta RSS: ${started?.toFixed(0)} MB at start, ${launched?.toFixed(0)} MB after ${options.clients + 1} launches`,
    );
    // The bare server is index 0: it goes first in the first round.
    for (const [target, child, traced] of [
      [bare.target, bare.child, undefined],
      [siltaTarget, silta.child, flags.profile ? silta : undefined],
    ] as const) {
      console.error(`${target.name}: connecting ${options.clients} clients`);
      servers.push({ target, child, traced, sockets: await connectClients(target, options.clients) });
      const { rss } = rssMb(child.process.pid);
      if (rss !== undefined) joined.push(`${target.name} ${rss.toFixed(0)} MB`);
    }
    console.log(`RSS after ${options.clients} clients joined: ${joined.join(', ')}`);
    if (flags['heap-snapshot']) {
      fs.mkdirSync(heapDir, { recursive: true });
      silta.child.process.kill('SIGUSR2');
      const file = await waitForSnapshot(heapDir);
      const kept = path.join(os.tmpdir(), `silta-bench-session-${options.clients}.heapsnapshot`);
      fs.copyFileSync(file, kept);
      console.log(summariseHeapSnapshot(kept));
      // Writing the snapshot stops the server for seconds: clients time out and RSS grows by the snapshot's work.
      console.log(
        '(after a heap snapshot the load figures below are not valid: measure the load in a run without --heap-snapshot)',
      );
    }
    const speedBefore = calibrationMs();
    const totals: (LoadResult | undefined)[] = [undefined, undefined];
    let profile: string | undefined;
    for (let round = 0; round < rounds; round++) {
      const roundOptions = {
        ...options,
        seconds: options.seconds / rounds,
        warmupSeconds: round === 0 ? options.warmupSeconds : Math.min(REWARM_SECONDS, options.warmupSeconds),
      };
      for (const i of round % 2 ? [1, 0] : [0, 1]) {
        const run = await measure(servers[i], roundOptions);
        totals[i] = mergeLoad(totals[i], run.result);
        profile ??= run.profile;
      }
    }
    const cores = os.cpus().length;
    reportSessionLoad({
      options: { ...options, rounds },
      commands: `silta: ${silta.label} on ${silta.database.label}; bare: ${bare.label} (stores nothing); ${cores} CPU cores`,
      machine: calibrationLine(speedBefore, calibrationMs()),
      results: [totals[1]!, totals[0]!],
      json: flags.json && path.resolve(flags.json),
    });
    if (profile)
      console.log(
        `\n--- CPU profile of Silta over the measured notes (tracing on: the figures above are slower) ---\n${profile}`,
      );
  } finally {
    for (const server of servers) closeClients(server.sockets);
    await bare?.child.stop();
    await silta.stop();
  }
}

runBench(main);
