/**
 * Start-up benchmark: how long `node dist/server/index.js` takes from the spawn to its first
 * 200 on /healthz, as production starts it (NODE_ENV=production, no development platform), and
 * its memory then. The first start of a run migrates a fresh database; the later ones start on
 * the migrated database, as a restart does.
 *
 *   npm run bench:startup -- [--starts 5] [--postgres] [--verbose] [--json file]
 *
 * Needs `npm run build` first. SQLite by default; with --postgres (or DATABASE_URL=postgres://…)
 * a fresh PostgreSQL database, created and dropped here. Not a test: it exits non-zero only when
 * it could not run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { boundedRun, cpuMs, freePort, productionNodeFlags, ROOT, runBench, startChild } from './children';
import { benchDatabase, postgresServer } from './databases';
import { usage } from './flags';
import { calibrationLine, calibrationMs } from './calibration';
import { percentile, table } from './stats';

const { values: flags } = parseArgs({
  options: {
    starts: { type: 'string', default: '5' },
    postgres: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const { fail, whole } = usage('bench:startup');
const starts = whole('starts', flags.starts, 2);
const tmp = boundedRun('silta-bench-startup-', starts * 60_000 + 60_000);
const COMPILED = path.join(ROOT, 'dist', 'server', 'index.js');

/** Resident memory of a process in MB, from /proc (undefined where there is none). */
function rssMb(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One start: spawn → first 200 on /healthz (polled every 10 ms), then /readyz; stops the process. */
async function startOnce(
  env: NodeJS.ProcessEnv,
): Promise<{ healthzMs: number; readyzMs: number; cpuMs?: number; rssMb?: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = startChild(
    'silta',
    [...productionNodeFlags(), COMPILED],
    { ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    flags.verbose!,
  );
  const answers = async (route: string) => {
    for (;;) {
      if (child.process.exitCode !== null)
        throw new Error(`Silta exited (${child.process.exitCode}) before ${route} answered:\n${child.output()}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000)
        throw new Error(`${route} did not answer within 60 s:\n${child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    const healthzMs = await answers('/healthz');
    // CPU the process used to get there: steadier than the wall clock when other processes share the cores.
    const cpu = cpuMs(child.process.pid);
    const readyzMs = await answers('/readyz');
    return { healthzMs, readyzMs, cpuMs: cpu, rssMb: rssMb(child.process.pid) };
  } finally {
    await child.stop();
  }
}

async function main() {
  if (!fs.existsSync(COMPILED)) fail('dist/server/index.js is missing: npm run build first');
  const database = await benchDatabase('startup', tmp, postgresServer(flags.postgres));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    SECRET_KEY: 'bench-startup-secret-key-0123456789abcdef',
  };
  for (const name of ['DEV_PLATFORM', 'DEV_PLATFORM_URL', 'REDIS_URL', 'REGISTRATION_SECRET', 'TRUST_PROXY'])
    delete env[name];
  try {
    const speedBefore = calibrationMs();
    const runs: Awaited<ReturnType<typeof startOnce>>[] = [];
    for (let i = 0; i < starts; i++) {
      runs.push(await startOnce(env));
      console.error(`start ${i + 1}/${starts}: /healthz after ${runs[i].healthzMs.toFixed(0)} ms`);
    }
    const later = runs.slice(1);
    const rows = [['start', '/healthz ms', '/readyz ms', 'CPU ms to /healthz', 'RSS MB']];
    const row = (name: string, r: (typeof runs)[number]) => [
      name,
      r.healthzMs.toFixed(0),
      r.readyzMs.toFixed(0),
      r.cpuMs?.toFixed(0) ?? '-',
      r.rssMb?.toFixed(0) ?? '-',
    ];
    rows.push(row('first (migrates a fresh database)', runs[0]));
    for (const [i, r] of later.entries()) rows.push(row(`restart ${i + 1}`, r));
    const median = percentile(
      later.map((r) => r.healthzMs),
      50,
    );
    console.log(
      `\nstart-up: node ${productionNodeFlags().join(' ')} dist/server/index.js, NODE_ENV=production, ${database.label}`,
    );
    console.log(calibrationLine(speedBefore, calibrationMs()));
    console.log(table(rows));
    console.log(
      `\nmedian restart to /healthz: ${median.toFixed(0)} ms; target < 1500 ms: ${median < 1500 ? 'PASS' : 'FAIL'}`,
    );
    if (flags.json)
      fs.writeFileSync(
        path.resolve(flags.json),
        JSON.stringify({ database: database.label, runs, medianRestartHealthzMs: median }, null, 2),
      );
  } finally {
    await database.drop();
  }
}

runBench(main);
