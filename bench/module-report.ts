import fs from 'node:fs';
import os from 'node:os';
import type { ModulePack } from '../server/domain/modules/content-pack';
import { MODULE_OPS, type ModuleResult } from './module-trainee';
import { formatResults, formatSteps, launchesPerSecond, maxOf, percentile, table, type RunResult } from './stats';

export type ModuleReportConfig = {
  trainees: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  maxSeconds: number;
  commands: string;
  setupSeconds: number;
  /** Trainees whose timed launch failed and who were launched again (untimed) for the module phase. */
  relaunched: number;
  json?: string;
};

/** When the module phase's grades reached the platform (the grade outbox worker sends them). */
export type GradeFigures = { expected: number; arrived: number; atEndOfRun: number; secondsAfterRun: number | null };

const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));
const perSecond = (count: number, wallMs: number) => (wallMs > 0 ? ((count / wallMs) * 1000).toFixed(1) : '-');

/** The module's shape in one line: steps by kind. */
function shape(pack: ModulePack): string {
  const kinds = new Map<string, number>();
  for (const step of pack.steps) kinds.set(step.kind, (kinds.get(step.kind) ?? 0) + 1);
  return `${pack.steps.length} steps (${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')})`;
}

/** Prints the launch comparison, the module phase and the grade outbox figures; writes JSON when asked. */
export function reportModule(
  config: ModuleReportConfig,
  pack: ModulePack,
  launches: RunResult[],
  module: ModuleResult,
  grades: GradeFigures,
): void {
  const cpu = os.cpus();
  console.log(
    `\nModule benchmark: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg()[0].toFixed(2)} at the end`,
  );
  console.log(
    `module ${pack.slug}: ${shape(pack)}; ${config.trainees} trainees, concurrency ${config.concurrency}; ran as: ${config.commands}`,
  );
  console.log(
    `set-up (not timed): ${config.trainees + 1} module links placed by deep linking as the teacher in ${config.setupSeconds.toFixed(1)} s; warm-up: ${config.warmup} launches per tool and one trainee through the module.`,
  );
  console.log(
    'Each trainee has a link of its own (the development platform has only two learner personas; trainees alternate between them), so',
  );
  console.log('no two trainees share an attempt.\n');

  console.log(
    `1. Launches (${config.rounds} round(s) alternating between the tools; one launch per trainee for Silta, as many for bare ltijs):`,
  );
  console.log(
    '   Silta: login -> platform auth -> POST /lti/launch (303) -> GET /app (303 to /modules). Bare ltijs: login -> simulator auth -> POST / (302) -> GET /?ltik (200).',
  );
  console.log(formatResults(launches));
  console.log('\nper step:');
  console.log(formatSteps(launches));
  for (const r of launches)
    if (r.errors) console.log(`\n${r.tool}: ${r.errors} launch errors, e.g.\n  ${r.errorSamples.join('\n  ')}`);
  const silta = launches.find((r) => r.tool === 'silta');
  const bare = launches.find((r) => r.tool === 'bare ltijs');
  if (silta && bare)
    console.log(
      `\nratio Silta/bare ltijs launches/s: ${(launchesPerSecond(silta) / launchesPerSecond(bare)).toFixed(2)}x`,
    );
  if (config.relaunched)
    console.log(
      `${config.relaunched} trainee(s) whose launch failed were launched again (untimed) for the module phase.`,
    );

  console.log(
    `\n2. Module phase (Silta): ${module.trainees} trainees, ${module.completed} completed (${module.perfect} with the full score), ${module.errors} errors, ${(module.wallMs / 1000).toFixed(1)} s, ${perSecond(module.requests, module.wallMs)} requests/s`,
  );
  console.log(
    '   Per trainee: overview (starts the attempt) -> for each step: its page (GET), its answers (POST, 303), the redirect target -> POST /modules/complete (303) -> summary.',
  );
  console.log(
    '   "step save" is the POST of one step\'s answers alone, request to 303 (the page it redirects to is "step page" or, for a knowledge check, "feedback page").',
  );
  const rows = [['operation', 'count', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']];
  for (const op of MODULE_OPS) {
    const values = module.ops[op];
    rows.push([
      op,
      String(values.length),
      perSecond(values.length, module.wallMs),
      ms(percentile(values, 50)),
      ms(percentile(values, 95)),
      ms(percentile(values, 99)),
      ms(maxOf(values)),
    ]);
  }
  const m = module.modules;
  rows.push([
    'whole module',
    String(m.length),
    perSecond(m.length, module.wallMs),
    ms(percentile(m, 50)),
    ms(percentile(m, 95)),
    ms(percentile(m, 99)),
    ms(maxOf(m)),
  ]);
  console.log(table(rows));
  if (module.serverCpuMs !== undefined && module.completed)
    console.log(
      `server CPU: ${(module.serverCpuMs / module.completed).toFixed(0)} ms per trainee's module (${(module.serverCpuMs / Math.max(1, module.requests)).toFixed(1)} ms per request, grade sending included)`,
    );
  if (module.errors) console.log(`\nmodule errors, e.g.\n  ${module.errorSamples.join('\n  ')}`);

  const lag =
    grades.secondsAfterRun === null
      ? `not all within the wait (${grades.arrived} arrived)`
      : `all ${grades.arrived} by ${grades.secondsAfterRun.toFixed(1)} s after the last trainee finished`;
  console.log(
    `\n3. Grade outbox: ${grades.atEndOfRun}/${grades.expected} grades had reached the platform's gradebook when the last trainee finished; ${lag}.`,
  );

  if (config.json) {
    const launchFigures = launches.map((r) => ({
      tool: r.tool,
      launches: r.latencies.length,
      errors: r.errors,
      launchesPerSecond: launchesPerSecond(r),
      p50: percentile(r.latencies, 50),
      p95: percentile(r.latencies, 95),
      p99: percentile(r.latencies, 99),
    }));
    const ops = Object.fromEntries(
      MODULE_OPS.map((op) => [
        op,
        {
          count: module.ops[op].length,
          p50: percentile(module.ops[op], 50),
          p95: percentile(module.ops[op], 95),
          p99: percentile(module.ops[op], 99),
        },
      ]),
    );
    const moduleFigures = {
      trainees: module.trainees,
      completed: module.completed,
      perfect: module.perfect,
      errors: module.errors,
      wallMs: module.wallMs,
      stepSavesPerSecond: (module.ops['step save'].length / module.wallMs) * 1000,
      ops,
      wholeModule: { p50: percentile(m, 50), p95: percentile(m, 95) },
    };
    fs.writeFileSync(
      config.json,
      JSON.stringify(
        {
          ...config,
          module: pack.slug,
          cores: cpu.length,
          launches: launchFigures,
          modulePhase: moduleFigures,
          grades,
        },
        null,
        2,
      ),
    );
  }
}
