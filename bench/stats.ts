/** Latency figures of one tool's measured launches. */
export type RunResult = {
  tool: string;
  launches: number;
  errors: number;
  /** First few error messages, to show what failed. */
  errorSamples: string[];
  wallMs: number;
  /** Whole-launch latency (login → first page) of each successful launch, in ms. */
  latencies: number[];
  /** Per-step latencies, in ms, keyed by step name. */
  steps: Record<string, number[]>;
  /** CPU time the tool's server process used during the timed launches, when known. */
  serverCpuMs?: number;
  /** CPU time the benchmark process itself (clients and platform simulator) used meanwhile. */
  benchCpuMs?: number;
  /** CPU time of every process on the machine meanwhile (the database server's included). */
  machineCpuMs?: number;
};

/** The p-th percentile (nearest rank) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Appends `values` to `target` one by one: \`push(...values)\` passes every value as an argument
 * and overflows the stack at some hundred thousand (1,000 session clients x 200 notes).
 */
export function appendAll<T>(target: T[], values: readonly T[]): void {
  for (const value of values) target.push(value);
}

/** The largest value (NaN when there is none), without spreading a long array into arguments. */
export function maxOf(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => (b > a ? b : a)) : NaN;
}

export const launchesPerSecond = (r: RunResult) => (r.latencies.length / r.wallMs) * 1000;

const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));

/** A plain-text table of the tools' results. */
export function formatResults(results: RunResult[]): string {
  const rows = [
    [
      'tool',
      'launches',
      'errors',
      'launches/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'server CPU ms/launch',
      'bench CPU ms/launch',
      'machine CPU ms/launch',
    ],
  ];
  for (const r of results) {
    const perLaunch = (total: number | undefined) => (total === undefined ? NaN : total / Math.max(1, r.launches));
    rows.push([
      r.tool,
      String(r.latencies.length),
      String(r.errors),
      launchesPerSecond(r).toFixed(1),
      ms(percentile(r.latencies, 50)),
      ms(percentile(r.latencies, 95)),
      ms(percentile(r.latencies, 99)),
      ms(maxOf(r.latencies)),
      ms(perLaunch(r.serverCpuMs)),
      ms(perLaunch(r.benchCpuMs)),
      ms(perLaunch(r.machineCpuMs)),
    ]);
  }
  return table(rows);
}

/** Median and p95 of every step, per tool: where a launch spends its time. */
export function formatSteps(results: RunResult[]): string {
  const rows = [['tool', 'step', 'p50 ms', 'p95 ms']];
  for (const r of results)
    for (const [step, values] of Object.entries(r.steps))
      rows.push([r.tool, step, ms(percentile(values, 50)), ms(percentile(values, 95))]);
  return table(rows);
}

/** Rows as aligned text columns: the first two left-aligned, the rest (figures) right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

/** Adds one round's figures to a tool's running total. */
export function mergeInto(total: RunResult, round: RunResult): void {
  total.launches += round.launches;
  total.errors += round.errors;
  total.errorSamples.push(...round.errorSamples.slice(0, Math.max(0, 5 - total.errorSamples.length)));
  total.wallMs += round.wallMs;
  if (round.serverCpuMs !== undefined) total.serverCpuMs = (total.serverCpuMs ?? 0) + round.serverCpuMs;
  if (round.benchCpuMs !== undefined) total.benchCpuMs = (total.benchCpuMs ?? 0) + round.benchCpuMs;
  if (round.machineCpuMs !== undefined) total.machineCpuMs = (total.machineCpuMs ?? 0) + round.machineCpuMs;
  appendAll(total.latencies, round.latencies);
  for (const [step, values] of Object.entries(round.steps)) appendAll((total.steps[step] ??= []), values);
}
