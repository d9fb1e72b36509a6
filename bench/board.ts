/**
 * Board benchmark: seeds a board with 10,000 practices (and their comments) directly through the
 * store, then measures full-text search and filtered listing of the board over HTTP against a
 * running Silta. Prints, for each kind of request, requests/s, p50/p95/p99 latency, errors, how
 * many practices matched and the server's CPU time per request.
 *
 *   npm run bench:board -- [--practices 10000] [--comments 3] [--requests 200] [--concurrency 4]
 *                          [--prewarm 2000] [--warmup 20] [--max-seconds 120] [--tsx|--dist] [--postgres] [--profile] [--verbose] [--json file]
 *                          [--against other-checkout/dist/server/index.js] [--only "search"]
 *
 * SQLite (a fresh temporary file) by default; with --postgres (or DATABASE_URL=postgres://…) a
 * fresh PostgreSQL database that the benchmark creates and drops (bench/databases.ts). Not a test: it exits non-zero only when it could not run.
 *
 * --against runs another checkout's compiled Silta beside this one (its own database, seeded the
 * same) and alternates the two, a quarter of each scenario's requests at a time: on a shared
 * machine whose load drifts, before and after are then measured under the same load.
 * --only runs the scenarios whose name contains its text (to profile one kind of request).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { boundedRun, cpuMs, machineBusyMs, runBench } from './children';
import { seedBoard } from './board-seed';
import { call, formOf, gist, StepError } from './http-client';
import { linkIdsByTitle, placeCatalogueItem, TIMED_COURSE } from './module-setup';
import { percentile, table } from './stats';
import { loginAndLaunch, untimed } from './targets';
import { startSilta } from './tools';
import { usage } from './flags';
import { postgresServer } from './databases';
import { calibrationLine, calibrationMs } from './calibration';
import { summariseCpuProfile } from './cpu-summary';
import { summariseSqlByRoute, summariseSqlTotals, traceMark } from './profile';

const { values: flags } = parseArgs({
  options: {
    practices: { type: 'string', default: '10000' },
    comments: { type: 'string', default: '3' },
    requests: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    prewarm: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '20' },
    'max-seconds': { type: 'string', default: '120' },
    postgres: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
    against: { type: 'string' },
    only: { type: 'string' },
  },
});

const { fail, whole } = usage('bench:board');
const practices = whole('practices', flags.practices, 1);
const commentsPerPractice = whole('comments', flags.comments, 0);
const requests = whole('requests', flags.requests, 1);
const concurrency = whole('concurrency', flags.concurrency, 1);
const prewarm = whole('prewarm', flags.prewarm, 0);
const warmup = whole('warmup', flags.warmup, 0);
const maxSeconds = whole('max-seconds', flags['max-seconds'], 10);

const tmp = boundedRun('silta-bench-board-', (maxSeconds * 12 + 600) * 1000);

/** Each scenario is a list of query strings, requested in turn. */
const ALL_SCENARIOS: { name: string; queries: string[] }[] = [
  {
    name: 'search, relevance',
    queries: [
      'työkyky',
      'palveluketju',
      'kuntoutus',
      'nuorten ohjaamo',
      'työterveyshuolto yhteistyö',
      'osatyökykyisten työllistyminen',
      'arbetsförmåga',
      'företagshälsovård samarbete',
      'supported employment',
      'rehabilitation',
    ].map((q) => `q=${encodeURIComponent(q)}`),
  },
  {
    name: 'search, newest first',
    queries: ['työkyky', 'verkostokokous', 'servicekedja', 'service chain'].map(
      (q) => `q=${encodeURIComponent(q)}&sort=newest`,
    ),
  },
  {
    name: 'search + region + status',
    queries: [
      'kuntoutus&region=pirkanmaa&status=pilot',
      'työkyky&region=lappi&status=established',
      'arbetsförmåga&region=pohjanmaa',
    ].map((q) => `q=${q}`),
  },
  {
    name: 'list region + status',
    queries: ['region=pohjois-karjala&status=pilot', 'region=helsinki&status=established', 'region=kainuu&status=idea'],
  },
  { name: 'list theme', queries: ['theme=mental-health', 'theme=return-to-work', 'theme=youth'] },
  { name: 'list wave', queries: ['wave=1', 'wave=3'] },
  { name: 'list most useful', queries: ['sort=useful', 'sort=useful&language=sv'] },
  { name: 'list most adopted', queries: ['sort=adopted', 'sort=adopted&actor=kela'] },
  { name: 'list newest, page 1 and 50', queries: ['', 'page=50'] },
];
const SCENARIOS = ALL_SCENARIOS.filter((s) => !flags.only || s.name.includes(flags.only));
if (!SCENARIOS.length) fail(`--only ${flags.only}: no scenario's name contains it`);

type Figures = {
  name: string;
  requests: number;
  errors: number;
  errorSamples: string[];
  wallMs: number;
  latencies: number[];
  matches: number[];
  serverCpuMs?: number;
  /** Of it, the main thread's (JavaScript); on SQLite the rest is mostly the engine's statements on libuv's threads. */
  mainThreadCpuMs?: number;
  /** What every process used meanwhile (both cores): Silta, the database server and this benchmark's clients. */
  machineCpuMs?: number;
};

/** A developer's launch into a board link of the course (region from the launch); returns its `lt`. */
async function launchDeveloper(baseUrl: string, linkId: string): Promise<string> {
  const { body } = await call({
    method: 'POST',
    url: `${baseUrl}/dev/platform/launch`,
    form: {
      persona: 'developer',
      courseId: TIMED_COURSE,
      locale: 'fi',
      messageType: 'LtiResourceLinkRequest',
      resourceLinkId: linkId,
      region: 'pohjois-karjala',
      window: 'iframe',
    },
    expect: 200,
  });
  const login = formOf(body);
  if (!login.action || !login.fields.lti_message_hint) throw new StepError(`no login-initiation form: ${gist(body)}`);
  const landing = new URL(
    (
      await loginAndLaunch(
        { user: 0, loginUrl: new URL(login.action, baseUrl).toString(), fields: login.fields, expectName: '' },
        undefined,
        untimed,
        303,
      )
    ).url,
  );
  const lt = landing.searchParams.get('lt');
  if (!lt) throw new StepError(`the board launch landed on ${landing}`);
  return lt;
}

/** The practice count a listing page announces ("N practices"): its results heading's first number. */
const matchesOf = (html: string) => Number(/<h2 id="results-heading">[^<0-9]*(\d+)/.exec(html)?.[1] ?? NaN);

/** Runs `count` requests of a scenario, `concurrency` at a time, until done or the deadline. */
async function runScenario(
  baseUrl: string,
  lt: string,
  scenario: { name: string; queries: string[] },
  count: number,
  pid: number | undefined,
  inFlight = concurrency,
): Promise<Figures> {
  const figures: Figures = {
    name: scenario.name,
    requests: 0,
    errors: 0,
    errorSamples: [],
    wallMs: 0,
    latencies: [],
    matches: [],
  };
  const deadline = Date.now() + maxSeconds * 1000;
  const cpuBefore = cpuMs(pid);
  const mainBefore = cpuMs(pid, true);
  const machineBefore = machineBusyMs();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count && Date.now() < deadline) {
        const query = scenario.queries[next++ % scenario.queries.length];
        figures.requests++;
        const t0 = performance.now();
        try {
          const { body } = await call({
            method: 'GET',
            url: `${baseUrl}/board?lt=${lt}${query && `&${query}`}`,
            expect: 200,
          });
          figures.latencies.push(performance.now() - t0);
          figures.matches.push(matchesOf(body));
        } catch (error) {
          figures.errors++;
          if (figures.errorSamples.length < 3)
            figures.errorSamples.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  figures.wallMs = performance.now() - started;
  const cpuAfter = cpuMs(pid);
  const mainAfter = cpuMs(pid, true);
  const machineAfter = machineBusyMs();
  if (cpuBefore !== undefined && cpuAfter !== undefined) figures.serverCpuMs = cpuAfter - cpuBefore;
  if (mainBefore !== undefined && mainAfter !== undefined) figures.mainThreadCpuMs = mainAfter - mainBefore;
  if (machineBefore !== undefined && machineAfter !== undefined) figures.machineCpuMs = machineAfter - machineBefore;
  return figures;
}

/** Two CPU times added, or undefined when either is unknown. */
const sum = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);

/** Two runs of one scenario as one. */
const merged = (a: Figures, b: Figures): Figures => ({
  name: a.name,
  requests: a.requests + b.requests,
  errors: a.errors + b.errors,
  errorSamples: [...a.errorSamples, ...b.errorSamples].slice(0, 3),
  wallMs: a.wallMs + b.wallMs,
  latencies: [...a.latencies, ...b.latencies],
  matches: [...a.matches, ...b.matches],
  serverCpuMs: sum(a.serverCpuMs, b.serverCpuMs),
  mainThreadCpuMs: sum(a.mainThreadCpuMs, b.mainThreadCpuMs),
  machineCpuMs: sum(a.machineCpuMs, b.machineCpuMs),
});

/** With --against: each scenario's requests in this many turns per Silta, alternating which goes first. */
const TURNS = 4;

const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));

function report(results: Figures[]): string {
  const rows = [
    [
      'scenario',
      'requests',
      'errors',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'matches (median)',
      'server CPU ms/req',
      'main thread',
      'machine CPU',
    ],
  ];
  for (const r of results) {
    const ok = r.latencies.length;
    rows.push([
      r.name,
      String(ok),
      String(r.errors),
      ((ok / r.wallMs) * 1000).toFixed(1),
      ms(percentile(r.latencies, 50)),
      ms(percentile(r.latencies, 95)),
      ms(percentile(r.latencies, 99)),
      String(percentile(r.matches, 50)),
      r.serverCpuMs === undefined ? '-' : ms(r.serverCpuMs / Math.max(1, r.requests)),
      r.mainThreadCpuMs === undefined ? '-' : ms(r.mainThreadCpuMs / Math.max(1, r.requests)),
      r.machineCpuMs === undefined ? '-' : ms(r.machineCpuMs / Math.max(1, r.requests)),
    ]);
  }
  return table(rows);
}

/** Requests per scenario of the --profile's sequential pass (one in flight, so each statement has its request). */
const SEQUENTIAL_PASS = 10;

/**
 * --profile: SQL statements per request of the timed run, per route from a sequential pass, and
 * where Silta's CPU went in the timed run (the timed figures above include the tracing).
 */
async function profileOf(
  silta: Awaited<ReturnType<typeof startSilta>>,
  lt: string,
  timed: { sql: string; cpu: string },
  measured: number,
): Promise<string> {
  let sequential = 0;
  for (const scenario of SCENARIOS)
    sequential += (await runScenario(silta.baseUrl, lt, { ...scenario }, SEQUENTIAL_PASS, undefined, 1)).latencies
      .length;
  const byRoute = await traceMark(silta.child, silta.traceDir, 3);
  const kept = path.join(os.tmpdir(), 'silta-bench-board.cpuprofile');
  fs.copyFileSync(timed.cpu, kept);
  return [
    '--- profile of Silta (server process; the timed run above had tracing on; SQLite statements only) ---',
    summariseSqlTotals(timed.sql, measured, 'request'),
    `SQLite statements by route (sequential pass of ${sequential} requests, ${SEQUENTIAL_PASS} per scenario; count per request x mean ms):`,
    summariseSqlByRoute(byRoute.sql, sequential, 'request'),
    summariseCpuProfile(timed.cpu, measured, 'request'),
    `CPU profile of the timed run kept at ${kept} (open it in Chrome DevTools > Performance)`,
  ].join('\n');
}

/** Places the board link, launches the benchmark's developer into it and seeds the board; returns its `lt`. */
async function prepare(silta: Awaited<ReturnType<typeof startSilta>>) {
  const { baseUrl } = silta;
  await placeCatalogueItem(baseUrl, TIMED_COURSE, 'board', 'bench board');
  const linkId =
    (await linkIdsByTitle(baseUrl, TIMED_COURSE)).get('bench board') ?? fail('the board link was not placed');
  const lt = await launchDeveloper(baseUrl, linkId);
  const seeded = await seedBoard({ databaseUrl: silta.database.url, lt, practices, commentsPerPractice, seed: 4 });
  console.error(
    `seeded ${seeded.practices} practices and ${seeded.comments} comments in ${seeded.seconds.toFixed(1)} s`,
  );
  return { lt, seeded };
}

async function main() {
  const command = flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const);
  const start = (against?: string) =>
    startSilta({
      tmp,
      profile: !against && flags.profile!,
      verbose: flags.verbose!,
      command,
      env: { RATE_LIMIT_PER_MINUTE: '1000000' },
      postgres: postgresServer(flags.postgres),
      ...(against ? { script: against, name: 'reference' } : {}),
    });
  const silta = await start();
  const reference = flags.against
    ? await start(flags.against).catch(async (error: unknown) => {
        await silta.stop();
        throw error;
      })
    : undefined;
  try {
    const { baseUrl } = silta;
    const { lt, seeded } = await prepare(silta);
    const other = reference && { silta: reference, ...(await prepare(reference)) };
    const referenceResults: Figures[] = [];

    // A server that has been up for a while: V8's optimizing compiler was still compiling 10-15
    // of Silta's functions per 50 board requests after 1,000 (--trace-opt), on threads that take
    // the 2 cores from the measured requests. Every scenario's queries in turn, untimed.
    const everyQuery = { name: 'prewarm', queries: ALL_SCENARIOS.flatMap((s) => s.queries) };
    for (const target of [{ baseUrl, lt }, ...(other ? [{ baseUrl: other.silta.baseUrl, lt: other.lt }] : [])]) {
      const warm = await runScenario(target.baseUrl, target.lt, everyQuery, prewarm, undefined);
      if (warm.errors) throw new Error(`pre-warming: ${warm.errors} errors: ${warm.errorSamples.join(' | ')}`);
    }

    const pid = silta.child.process.pid;
    const results: Figures[] = [];
    const speedBefore = calibrationMs();
    // The profile leaves out the seeding (the warm-up requests are in it).
    if (flags.profile) await traceMark(silta.child, silta.traceDir, 1);
    let timed: { sql: string; cpu: string } | undefined;
    for (const scenario of SCENARIOS) {
      const warm = await runScenario(baseUrl, lt, scenario, warmup, undefined);
      if (warmup && warm.errors === warm.requests)
        throw new Error(`${scenario.name}: every warm-up request failed: ${warm.errorSamples.join(' | ')}`);
      if (!other) results.push(await runScenario(baseUrl, lt, scenario, requests, pid));
      else {
        await runScenario(other.silta.baseUrl, other.lt, scenario, warmup, undefined);
        const mine: Figures[] = [];
        const theirs: Figures[] = [];
        for (let turn = 0; turn < TURNS; turn++) {
          const count = Math.ceil(requests / TURNS);
          const runMine = async () => mine.push(await runScenario(baseUrl, lt, scenario, count, pid));
          const runTheirs = async () =>
            theirs.push(
              await runScenario(other.silta.baseUrl, other.lt, scenario, count, other.silta.child.process.pid),
            );
          if (turn % 2) await runTheirs().then(runMine);
          else await runMine().then(runTheirs);
        }
        results.push(mine.reduce(merged));
        referenceResults.push(theirs.reduce(merged));
      }
      console.error(`${scenario.name}: done`);
    }
    if (flags.profile) timed = await traceMark(silta.child, silta.traceDir, 2);
    const machine = calibrationLine(speedBefore, calibrationMs());
    const database = silta.database.label;
    console.log(
      `board benchmark: ${database}, ${seeded.practices} practices, ${seeded.comments} comments, ${requests} requests per scenario, concurrency ${concurrency}, after ${prewarm} untimed requests over every scenario and ${warmup} per scenario; Silta: ${silta.label}`,
    );
    console.log(
      `${machine}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    console.log(report(results));
    if (other)
      console.log(
        `\nthe same, alternated with it in ${TURNS} turns per scenario: ${other.silta.label}\n\n${report(referenceResults)}`,
      );
    // The profile's totals include the warm-up requests, which ran traced too.
    if (timed)
      console.log(
        `\n${await profileOf(silta, lt, timed, results.reduce((n, r) => n + r.requests, 0) + SCENARIOS.length * warmup)}`,
      );
    const errors = results.flatMap((r) => r.errorSamples.map((e) => `${r.name}: ${e}`));
    if (errors.length) console.log(`\nerrors (first of each):\n${errors.join('\n')}`);
    if (flags.json)
      fs.writeFileSync(
        path.resolve(flags.json),
        JSON.stringify(
          {
            database,
            machine,
            loadavg: os.loadavg(),
            seeded,
            requests,
            concurrency,
            results: results.map(({ latencies, matches, ...r }) => ({
              ...r,
              p50: percentile(latencies, 50),
              p95: percentile(latencies, 95),
              p99: percentile(latencies, 99),
              matches: percentile(matches, 50),
            })),
          },
          null,
          2,
        ),
      );
  } finally {
    await silta.stop();
    await reference?.stop();
  }
}

runBench(main);
