/**
 * Live-session load benchmark (issue 5): N socket.io clients in one session and M notes/s added
 * by random clients, against Silta and against a bare Socket.IO broadcast server
 * (bench/session-bare.ts) in the same run. Prints broadcast latency p50/p95/p99 (sender's emit →
 * each client's receipt of `note:added`), acknowledgement latency, server CPU and RSS, the
 * benchmark process's own event-loop lag (are the clients keeping up?) and Silta p95 / bare p95.
 *
 *   npm run bench:session -- [--clients 300] [--rate 20] [--seconds 30] [--warmup 5]
 *                            [--tsx|--dist] [--profile] [--verbose] [--json file]
 *
 * Set-up (not timed): Silta (fresh SQLite, from dist/ or tsx like the other benches) and the bare
 * server as child processes; on Silta a facilitator launch creates the session and N participant
 * launches get realtime tokens; then the clients connect and join, 10 at a time. Not a test: it
 * exits non-zero only when it could not run.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boundedRun, compileForNode, cpuMs, freePort, nodeArgs, ROOT, runBench, startChild, type Child } from './children';
import { summariseCpuProfile } from './cpu-summary';
import { summariseSqlTotals, traceMark } from './profile';
import { closeClients, connectClients, runLoad, type LoadOptions, type LoadResult, type LoadTarget } from './session-clients';
import { reportSessionLoad, rssMb } from './session-report';
import { siltaLoadTarget } from './session-setup';
import { startSilta, type StartedTool } from './tools';
import { usage } from './flags';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '300' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    tsx: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const { whole } = usage('bench:session');
const options: LoadOptions = { clients: whole('clients', flags.clients, 1), rate: whole('rate', flags.rate, 1), seconds: whole('seconds', flags.seconds, 1), warmupSeconds: whole('warmup', flags.warmup, 0), drainMs: 10_000 };

// Bounded in time whatever happens: start-up, set-up and two measured runs.
const tmp = boundedRun('silta-bench-session-', ((options.seconds + options.warmupSeconds) * 2 + 300) * 1000);

/** The bare Socket.IO server on a free port; compiled for plain node when Silta runs from dist/, as Silta is. */
async function startBare(plainNode: boolean): Promise<{ child: Child; target: LoadTarget; label: string }> {
  const port = await freePort();
  let script = path.join(__dirname, 'session-bare.ts');
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PORT: String(port), NODE_ENV: 'production' };
  if (plainNode) {
    script = await compileForNode(script, tmp);
    env.NODE_PATH = path.join(ROOT, 'node_modules');
  }
  const label = plainNode ? 'node session-bare.js (bench/session-bare.ts compiled with esbuild)' : 'node --import tsx bench/session-bare.ts';
  console.error(`starting bare socket.io: ${label} on port ${port}`);
  const child = startChild('bare', nodeArgs(script, { tsx: !plainNode }), env, flags.verbose!);
  await child.waitForLine(/BENCH_READY/, 60_000);
  const url = `http://127.0.0.1:${port}`;
  return { child, label, target: { name: 'bare socket.io', url, origin: url, sessionId: 1, token: async () => undefined } };
}

/** Connects the clients to one server, runs the load and reads the server's CPU and memory around the measured window. */
async function measure(target: LoadTarget, child: Child, traced?: StartedTool): Promise<{ result: LoadResult; profile?: string }> {
  console.error(`${target.name}: connecting ${options.clients} clients`);
  const sockets = await connectClients(target, options.clients);
  const pid = child.process.pid;
  let cpuBefore: number | undefined;
  let trace: Promise<{ sql: string; cpu: string }> | undefined;
  try {
    console.error(`${target.name}: ${options.rate} notes/s for ${options.warmupSeconds} + ${options.seconds} s`);
    const result = await runLoad(target, sockets, options, {
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
    const profile = files ? [summariseSqlTotals(files.sql, Math.max(1, result.sent), 'note'), summariseCpuProfile(files.cpu, Math.max(1, result.sent), 'note')].join('\n') : undefined;
    return { result, profile };
  } finally {
    closeClients(sockets);
  }
}

async function main() {
  const command = flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const);
  const silta = await startSilta({ tmp, profile: flags.profile!, verbose: flags.verbose!, command, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    bare = await startBare(!silta.label.includes('tsx'));
    const siltaTarget = await siltaLoadTarget(silta.baseUrl, options.clients);
    // The bare server first, so both runs find the benchmark process equally warm.
    const bareRun = await measure(bare.target, bare.child);
    await bare.child.stop();
    const siltaRun = await measure(siltaTarget, silta.child, flags.profile ? silta : undefined);
    const cores = os.cpus().length;
    reportSessionLoad({ options, commands: `silta: ${silta.label}; bare: ${bare.label}; ${cores} CPU cores`, results: [siltaRun.result, bareRun.result], json: flags.json && path.resolve(flags.json) });
    if (siltaRun.profile) console.log(`\n--- CPU profile of Silta over the measured notes (tracing on: the figures above are slower) ---\n${siltaRun.profile}`);
  } finally {
    await bare?.child.stop();
    await silta.stop();
  }
}

runBench(main);
