/**
 * Launch benchmark: full LTI 1.3 resource-link launches against Silta and against a bare ltijs
 * app, same machine, same concurrency, same SQLite kind of storage. Prints launches/s and
 * latency percentiles for each, the ratio, and whether Silta meets its target.
 *
 *   npm run bench:launch -- [--concurrency 8] [--launches 400] [--warmup 200] [--rounds 4]
 *                           [--max-seconds 120] [--tool both|silta|ltijs] [--profile]
 *                           [--tsx|--dist] [--postgres] [--verbose] [--json file]
 *
 * SQLite by default; with --postgres (or DATABASE_URL=postgres://…) each tool gets a fresh
 * PostgreSQL database, created and dropped by the benchmark (bench/databases.ts).
 *
 * Both tools run side by side and are measured in alternating rounds, so a change in the
 * machine's load (other processes) hits both alike. Not a test: it measures and prints; it exits
 * non-zero only when it could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boundedRun, cpuMs, machineBusyMs, runBench } from './children';
import { summariseCpuProfile } from './cpu-summary';
import { summariseSqlByRoute, summariseSqlTotals, traceMark } from './profile';
import { report } from './report';
import { prepareLaunches, runLaunches } from './runner';
import { launchesPerSecond, mergeInto, type RunResult } from './stats';
import { startLtijs, startSilta, type StartedTool, type StartOptions } from './tools';
import { usage } from './flags';
import { postgresServer } from './databases';
import { calibrationLine, calibrationMs } from './calibration';

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '8' },
    launches: { type: 'string', default: '400' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '4' },
    'max-seconds': { type: 'string', default: '120' },
    tool: { type: 'string', default: 'both' },
    profile: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const { whole } = usage('bench:launch');
const concurrency = whole('concurrency', flags.concurrency, 1);
const launches = whole('launches', flags.launches, 1);
const warmup = whole('warmup', flags.warmup, 0);
const maxSeconds = whole('max-seconds', flags['max-seconds'], 1);
// A profile is cut around one timed block, so --profile measures in one round.
const rounds = flags.profile ? 1 : Math.min(launches, whole('rounds', flags.rounds, 1));
if (!['both', 'silta', 'ltijs'].includes(flags.tool!)) throw new Error('--tool must be both, silta or ltijs');
const SEQUENTIAL_PASS = 30;

// Bounded in time whatever happens: start-up, warm-up, the timed rounds and the profile pass.
const tmp = boundedRun('silta-bench-', (maxSeconds * 2 + 300) * 1000);

/** The profile of one tool: SQL per launch and per route, and where the server's CPU went (per launch attempted, failed ones included). */
async function profileOf(tool: StartedTool, timed: { sql: string; cpu: string }, measured: number): Promise<string> {
  const sequential = await runLaunches(
    tool.target,
    await prepareLaunches(tool.target, warmup + launches, SEQUENTIAL_PASS, 1),
    1,
    Date.now() + 60_000,
  );
  const byRoute = await traceMark(tool.child, tool.traceDir, 3);
  const kept = path.join(os.tmpdir(), `silta-bench-${tool.target.name.replace(/\W+/g, '-')}.cpuprofile`);
  fs.copyFileSync(timed.cpu, kept);
  return [
    `--- profile of ${tool.target.name} (server process; the timed run above had tracing on) ---`,
    summariseSqlTotals(timed.sql, measured),
    `SQL statements and pool waits by route (sequential pass of ${sequential.latencies.length} launches; count per launch x mean ms):`,
    summariseSqlByRoute(byRoute.sql, sequential.latencies.length),
    summariseCpuProfile(timed.cpu, measured),
    `CPU profile of the timed run kept at ${kept} (open it in Chrome DevTools > Performance)`,
  ].join('\n');
}

async function main() {
  const options: StartOptions = {
    tmp,
    profile: flags.profile!,
    verbose: flags.verbose!,
    command: flags.tsx ? 'tsx' : flags.dist ? 'dist' : 'auto',
    platformSim: true,
    postgres: postgresServer(flags.postgres),
  };
  const tools: StartedTool[] = [];
  try {
    if (flags.tool !== 'ltijs') tools.push(await startSilta(options));
    // Both tools run alike: through tsx, or compiled on plain node when Silta runs from dist/.
    const siltaPlain = tools.length ? !tools[0].label.includes('tsx') : options.command === 'dist';
    if (flags.tool !== 'silta') tools.push(await startLtijs(options, siltaPlain));

    for (const tool of tools) {
      if (!warmup) continue;
      const warm = await runLaunches(
        tool.target,
        await prepareLaunches(tool.target, 0, warmup, concurrency),
        concurrency,
        Date.now() + maxSeconds * 1000,
      );
      console.error(`${tool.target.name}: warm-up ${warm.latencies.length}/${warm.launches} launches ok`);
      if (warm.errors === warm.launches)
        throw new Error(`${tool.target.name}: every warm-up launch failed: ${warm.errorSamples.join(' | ')}`);
    }

    const speedBefore = calibrationMs();
    const totals = tools.map((tool): RunResult => ({
      tool: tool.target.name,
      launches: 0,
      errors: 0,
      errorSamples: [],
      wallMs: 0,
      latencies: [],
      steps: {},
    }));
    const timedTrace: { sql: string; cpu: string }[] = [];
    const deadline = Date.now() + maxSeconds * 1000 * tools.length;
    for (let round = 0; round < rounds; round++) {
      const count = Math.floor(launches / rounds) + (round < launches % rounds ? 1 : 0);
      const first = warmup + round * Math.ceil(launches / rounds);
      // Alternate which tool goes first, so neither always runs right after the other.
      const order = round % 2 ? [...tools.keys()].reverse() : [...tools.keys()];
      for (const i of order) {
        const tool = tools[i];
        const prepared = await prepareLaunches(tool.target, first, count, concurrency);
        if (flags.profile) await traceMark(tool.child, tool.traceDir, 1);
        const cpuBefore = cpuMs(tool.child.process.pid);
        const benchBefore = process.cpuUsage();
        const machineBefore = machineBusyMs();
        const result = await runLaunches(tool.target, prepared, concurrency, deadline);
        const machineAfter = machineBusyMs();
        const benchUsed = process.cpuUsage(benchBefore);
        if (machineBefore !== undefined && machineAfter !== undefined)
          result.machineCpuMs = machineAfter - machineBefore;
        const cpuAfter = cpuMs(tool.child.process.pid);
        if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
        result.benchCpuMs = (benchUsed.user + benchUsed.system) / 1000;
        mergeInto(totals[i], result);
        if (flags.profile) timedTrace[i] = await traceMark(tool.child, tool.traceDir, 2);
      }
      console.error(
        `round ${round + 1}/${rounds}: ${totals.map((t) => `${t.tool} ${launchesPerSecond(t).toFixed(1)} launches/s so far`).join(', ')}`,
      );
    }

    const machine = calibrationLine(speedBefore, calibrationMs());
    const profiles: string[] = [];
    if (flags.profile)
      for (const [i, tool] of tools.entries()) profiles.push(await profileOf(tool, timedTrace[i], totals[i].launches));
    const commands = tools.map((t) => `${t.target.name}: ${t.label}`).join('; ');
    const databases = tools.map((t) => `${t.target.name}: ${t.database.label}`).join('; ');
    report(
      {
        concurrency,
        launches,
        warmup,
        rounds,
        maxSeconds,
        profile: flags.profile!,
        commands,
        databases,
        machine,
        json: flags.json && path.resolve(flags.json),
      },
      totals,
      profiles,
    );
  } finally {
    for (const tool of tools) await tool.stop();
  }
}

runBench(main);
