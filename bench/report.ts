import fs from 'node:fs';
import os from 'node:os';
import { formatResults, formatSteps, launchesPerSecond, percentile, type RunResult } from './stats';

export const TARGET_RATIO = 5;
export const TARGET_P95_MS = 50;

export type ReportConfig = {
  concurrency: number;
  launches: number;
  warmup: number;
  rounds: number;
  maxSeconds: number;
  profile: boolean;
  commands: string;
  databases: string;
  machine: string;
  json?: string;
};

/** Prints the figures, the ratio and the target line; writes them as JSON when asked. */
export function report(config: ReportConfig, results: RunResult[], profiles: string[]): void {
  const cpu = os.cpus();
  const [load1] = os.loadavg();
  console.log(
    `\nLTI launch benchmark: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), node ${process.version}, ${os.platform()} ${os.release()}, load average ${load1.toFixed(2)} at the end`,
  );
  console.log(
    `concurrency ${config.concurrency} (virtual users, each with its own cookie jar), ${config.launches} timed launches per tool in ${config.rounds} alternating round(s), after ${config.warmup} warm-up launches; cap ${config.maxSeconds} s per tool${config.profile ? '; PROFILED (tracing on: slower than a plain run)' : ''}`,
  );
  console.log(`ran as: ${config.commands}`);
  console.log(`databases: ${config.databases}`);
  console.log(config.machine);
  console.log(
    'Silta: NODE_ENV=development, LOG_LEVEL=warn; bare ltijs: ltijs 5.9.9 + ltijs-sequelize, devMode off; each on the database above.',
  );
  console.log(
    "Both tools are launched by the same kind of platform simulator, in the benchmark process (one per tool; Silta's is",
  );
  console.log(
    'registered with platform:add). Timed: login initiation -> platform auth -> id_token POST -> first page (200; Silta answers',
  );
  console.log('the id_token POST with its landing page, bare ltijs redirects to it). Not timed:');
  console.log(
    "the simulator's startLaunch (the message hint). Bare ltijs fetches the simulator's JWKS on every launch; Silta caches it.",
  );
  console.log(
    '"server CPU ms/launch" is the CPU time of the tool\'s server process during the timed launches per launch: steadier than',
  );
  console.log(
    'wall-clock figures on a shared machine. "bench CPU ms/launch" is what the benchmark process (the virtual users\'',
  );
  console.log(
    'HTTP clients and the platform simulator) used meanwhile: it shares the same cores. "machine CPU ms/launch" is',
  );
  console.log(
    'what every process used (both cores, /proc/stat): on an idle machine, server + bench + the database server. Where the',
  );
  console.log('machine is the limit, launches/s ratios follow the inverse ratio of machine CPU per launch.\n');
  console.log(formatResults(results));
  console.log('\nper step:');
  console.log(formatSteps(results));
  for (const r of results)
    if (r.errors) console.log(`\n${r.tool}: ${r.errors} errors, e.g.\n  ${r.errorSamples.join('\n  ')}`);

  const silta = results.find((r) => r.tool === 'silta');
  const bare = results.find((r) => r.tool === 'bare ltijs');
  let verdict: { ratio: number; p95: number; pass: boolean } | undefined;
  if (silta && bare) {
    const ratio = launchesPerSecond(silta) / launchesPerSecond(bare);
    const p95 = percentile(silta.latencies, 95);
    verdict = { ratio, p95, pass: ratio >= TARGET_RATIO && p95 <= TARGET_P95_MS && silta.errors === 0 };
    console.log(`\nratio Silta/bare ltijs launches/s: ${ratio.toFixed(2)}x`);
    console.log(
      `target: >= ${TARGET_RATIO}x bare ltijs launches/s, p95 <= ${TARGET_P95_MS} ms: ${verdict.pass ? 'PASS' : 'FAIL'} (${ratio.toFixed(2)}x, p95 ${p95.toFixed(1)} ms, ${silta.errors} errors; errors fail it too)`,
    );
  }
  for (const profile of profiles) console.log(`\n${profile}`);
  if (config.json) {
    const summary = results.map((r) => ({
      tool: r.tool,
      launches: r.latencies.length,
      errors: r.errors,
      launchesPerSecond: launchesPerSecond(r),
      p50: percentile(r.latencies, 50),
      p95: percentile(r.latencies, 95),
      p99: percentile(r.latencies, 99),
    }));
    fs.writeFileSync(config.json, JSON.stringify({ ...config, cores: cpu.length, results: summary, verdict }, null, 2));
  }
}
