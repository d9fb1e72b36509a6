/**
 * Module benchmark: N simulated trainees launch into a module and work through it against a
 * running Silta, with bare ltijs launches in the same run for comparison. Prints launches/s and
 * launch latency for both tools, step saves/s and save latency, whole-module time, errors, and
 * when the grades reached the platform.
 *
 *   npm run bench:module -- [--trainees 50] [--concurrency 8] [--module <slug>] [--warmup 10]
 *                           [--rounds 2] [--max-seconds 300] [--tsx|--dist] [--postgres] [--profile] [--verbose] [--json file]
 *
 * Set-up (not timed): Silta and bare ltijs as child processes with fresh SQLite files (with
 * --postgres or DATABASE_URL=postgres://…, fresh PostgreSQL databases created and dropped here), and one
 * module link per trainee placed by deep linking as the teacher. Then (1) every trainee launches,
 * alternating in rounds with as many bare ltijs launches, and (2) every trainee works through
 * the module, `concurrency` at a time. Not a test: it exits non-zero only when it could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadContentPacks } from '../server/domain/modules/content-pack';
import { boundedRun, cpuMs, runBench } from './children';
import { summariseCpuProfile } from './cpu-summary';
import { CookieJar } from './http-client';
import { reportModule, type GradeFigures } from './module-report';
import { placeTraineeLinks, TIMED_COURSE, WARMUP_COURSE } from './module-setup';
import { summariseSqlByRoute, summariseSqlTotals, traceMark } from './profile';
import { moduleLaunchTarget, runModules, trainee, type ModuleResult, type Trainee } from './module-trainee';
import { prepareLaunches, runLaunches } from './runner';
import { untimed } from './targets';
import { mergeInto, type RunResult } from './stats';
import { startLtijs, startSilta, type StartedTool } from './tools';
import { usage } from './flags';
import { postgresServer } from './databases';

const { values: flags } = parseArgs({
  options: {
    trainees: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '8' },
    module: { type: 'string', default: 'work-ability-service-chain' },
    warmup: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    'max-seconds': { type: 'string', default: '300' },
    tsx: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const { fail, whole } = usage('bench:module');
const trainees = whole('trainees', flags.trainees, 1);
const concurrency = whole('concurrency', flags.concurrency, 1);
const warmup = whole('warmup', flags.warmup, 0);
const rounds = Math.min(trainees, whole('rounds', flags.rounds, 1));
const maxSeconds = whole('max-seconds', flags['max-seconds'], 10);
const packs = loadContentPacks();
const pack =
  packs.get(flags.module!) ??
  fail(`--module: no module "${flags.module}" in content/modules (there are: ${[...packs.keys()].join(', ')})`);
/** How long to wait for the grade outbox after the run (its worker polls every 5 s). */
const GRADE_WAIT_MS = 60_000;
/** Trainees of the --profile pass, one request at a time so each SQL statement is attributed to its route. */
const PROFILE_PASS = 3;

// Bounded in time whatever happens: start-up, set-up, both phases and the grade wait.
const tmp = boundedRun('silta-bench-module-', (maxSeconds * 3 + 300) * 1000);

/** Runs one tool's launches and adds the tool's server CPU time over them. */
async function timedLaunches(
  tool: StartedTool,
  target: StartedTool['target'],
  first: number,
  count: number,
  deadline: number,
): Promise<RunResult> {
  const prepared = await prepareLaunches(target, first, count, concurrency);
  const before = cpuMs(tool.child.process.pid);
  const result = await runLaunches(target, prepared, concurrency, deadline);
  const after = cpuMs(tool.child.process.pid);
  if (before !== undefined && after !== undefined) result.serverCpuMs = after - before;
  return result;
}

/** Grades at the platform: score rows on the development platform's gradebook page of the trainees' course. */
async function gradesAtPlatform(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/dev/platform/scores?course=${TIMED_COURSE}`, {
    signal: AbortSignal.timeout(15_000),
  });
  return [...(await response.text()).matchAll(/<time datetime="/g)].length;
}

/** Launches trainees untimed (the warm-up, the profile pass, a retry after a failed timed launch); a failure leaves the trainee without a session. */
async function launchUntimed(baseUrl: string, people: Trainee[]): Promise<void> {
  for (const p of people) {
    const target = moduleLaunchTarget(baseUrl, [p]);
    await target.launch(await target.prepare(0, 1), new CookieJar(), untimed).catch(() => undefined);
  }
}

/** Each trainee launches once, alternating in rounds with as many bare ltijs launches. */
async function launchPhase(silta: StartedTool, ltijs: StartedTool, people: Trainee[]): Promise<RunResult[]> {
  const siltaLaunch = moduleLaunchTarget(silta.baseUrl, people);
  const totals: RunResult[] = [siltaLaunch, ltijs.target].map((t) => ({
    tool: t.name,
    launches: 0,
    errors: 0,
    errorSamples: [],
    wallMs: 0,
    latencies: [],
    steps: {},
  }));
  const deadline = Date.now() + maxSeconds * 1000;
  for (let round = 0, first = 0; round < rounds; round++) {
    const count = Math.floor(trainees / rounds) + (round < trainees % rounds ? 1 : 0);
    for (const i of round % 2 ? [1, 0] : [0, 1]) {
      // Bare ltijs's launches are numbered after its warm-up, as in bench:launch (who launches is derived from the number).
      const result =
        i === 0
          ? await timedLaunches(silta, siltaLaunch, first, count, deadline)
          : await timedLaunches(ltijs, ltijs.target, warmup + first, count, deadline);
      mergeInto(totals[i], result);
    }
    first += count;
    console.error(`launch round ${round + 1}/${rounds} done`);
  }
  return totals;
}

/** How long after the run every completed trainee's grade is at the platform. */
async function waitForGrades(baseUrl: string, expected: number): Promise<GradeFigures> {
  const runEnded = performance.now();
  const grades: GradeFigures = { expected, arrived: 0, atEndOfRun: 0, secondsAfterRun: null };
  grades.atEndOfRun = grades.arrived = await gradesAtPlatform(baseUrl);
  while (grades.arrived < expected && performance.now() - runEnded < GRADE_WAIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    grades.arrived = await gradesAtPlatform(baseUrl);
  }
  if (grades.arrived >= expected) grades.secondsAfterRun = (performance.now() - runEnded) / 1000;
  return grades;
}

/** --profile: SQL and CPU of the timed module phase, and SQL by route from a sequential pass of a few spare trainees. */
async function profileOf(
  silta: StartedTool,
  timed: { sql: string; cpu: string },
  module: ModuleResult,
  spare: Trainee[],
): Promise<string> {
  // Cut what came between the module phase and the pass (grade sending, the gradebook polls).
  await traceMark(silta.child, silta.traceDir, 3);
  await launchUntimed(silta.baseUrl, spare);
  const pass = await runModules(silta.baseUrl, pack, spare, 1, Date.now() + 120_000);
  const byRoute = await traceMark(silta.child, silta.traceDir, 4);
  const kept = path.join(os.tmpdir(), 'silta-bench-module.cpuprofile');
  fs.copyFileSync(timed.cpu, kept);
  return [
    '--- profile of Silta in the module phase (server process; the figures above had tracing on) ---',
    summariseSqlTotals(timed.sql, Math.max(1, module.completed), 'trainee'),
    `SQL statements and pool waits by route (sequential pass of ${pass.completed} trainees, launch included; count per trainee x mean ms):`,
    summariseSqlByRoute(byRoute.sql, Math.max(1, pass.completed), 'trainee'),
    summariseCpuProfile(timed.cpu, Math.max(1, module.completed), 'trainee'),
    `CPU profile of the module phase kept at ${kept} (open it in Chrome DevTools > Performance)`,
  ].join('\n');
}

async function main() {
  const options = {
    tmp,
    profile: flags.profile!,
    verbose: flags.verbose!,
    command: flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const),
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
    postgres: postgresServer(flags.postgres),
  };
  const tools: StartedTool[] = [];
  try {
    const silta = await startSilta(options);
    tools.push(silta);
    const ltijs = await startLtijs(options, !silta.label.includes('tsx'));
    tools.push(ltijs);
    const { baseUrl } = silta;

    const setupStarted = performance.now();
    const links = await placeTraineeLinks(baseUrl, pack.slug, trainees, 1 + (flags.profile ? PROFILE_PASS : 0));
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.error(`set-up: ${trainees + links.spare.length} module links placed in ${setupSeconds.toFixed(1)} s`);
    const people = links.timed.map((linkId, i) => trainee(i, linkId, TIMED_COURSE));
    const [warmTrainee, ...spare] = links.spare.map((linkId, i) => trainee(i, linkId, WARMUP_COURSE));

    // Warm-up, untimed: launches of both tools, and one trainee through the whole module.
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
    await launchUntimed(baseUrl, [warmTrainee]);
    const warmModule = await runModules(baseUrl, pack, [warmTrainee], 1, Date.now() + 60_000);
    if (warmModule.errors)
      throw new Error(`the warm-up trainee could not finish the module: ${warmModule.errorSamples.join(' | ')}`);

    // 1. Launches.
    const launches = await launchPhase(silta, ltijs, people);
    // A trainee whose launch failed (counted above) launches again, untimed, to take part in the module phase.
    const unlaunched = people.filter((p) => !p.lt);
    await launchUntimed(baseUrl, unlaunched);

    // 2. The module phase.
    const gradesBefore = await gradesAtPlatform(baseUrl);
    if (gradesBefore) console.error(`note: ${gradesBefore} grades in the trainees' course before the module phase`);
    if (flags.profile) await traceMark(silta.child, silta.traceDir, 1);
    const cpuBefore = cpuMs(silta.child.process.pid);
    const module = await runModules(baseUrl, pack, people, concurrency, Date.now() + maxSeconds * 1000);
    const cpuAfter = cpuMs(silta.child.process.pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) module.serverCpuMs = cpuAfter - cpuBefore;
    const timedTrace = flags.profile ? await traceMark(silta.child, silta.traceDir, 2) : undefined;
    console.error(`module phase: ${module.completed}/${module.trainees} trainees completed`);

    // 3. The grade outbox.
    const grades = await waitForGrades(baseUrl, module.completed);
    const profile = timedTrace ? await profileOf(silta, timedTrace, module, spare) : undefined;

    const commands = tools.map((t) => `${t.target.name}: ${t.label} on ${t.database.label}`).join('; ');
    reportModule(
      {
        trainees,
        concurrency,
        rounds,
        warmup,
        maxSeconds,
        commands,
        setupSeconds,
        relaunched: unlaunched.length,
        json: flags.json && path.resolve(flags.json),
      },
      pack,
      launches,
      module,
      grades,
    );
    if (profile) console.log(`\n${profile}`);
  } finally {
    for (const tool of tools) await tool.stop();
  }
}

runBench(main);
