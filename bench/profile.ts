import fs from 'node:fs';
import path from 'node:path';
import type { Child } from './children';

type Tally = {
  requests: Record<string, number>;
  statements: Record<string, Record<string, { count: number; ms: number }>>;
};

/** Path of the preload that counts SQL and samples the CPU inside a server child. */
export const TRACE_PRELOAD = path.join(__dirname, 'trace-preload.ts');

/**
 * Asks a traced child to write what it gathered since the previous mark (SIGUSR2), and waits
 * for the files. Returns their paths.
 */
export async function traceMark(child: Child, dir: string, n: number): Promise<{ sql: string; cpu: string }> {
  child.process.kill('SIGUSR2');
  const done = path.join(dir, `done-${n}`);
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`the traced child did not write ${done}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { sql: path.join(dir, `sql-${n}.json`), cpu: path.join(dir, `cpu-${n}.cpuprofile`) };
}

/** Pseudo-statements of the trace: waits for a pooled connection, counted apart from SQL. */
const isWait = (sql: string) => sql.startsWith('(wait');

/** Total SQL statements per launch, and the waits for a pooled connection (exact at any concurrency). */
export function summariseSqlTotals(file: string, launches: number, unit = 'launch'): string {
  const tally = JSON.parse(fs.readFileSync(file, 'utf8')) as Tally;
  const sum = { count: 0, ms: 0, waits: 0, waitMs: 0 };
  for (const statements of Object.values(tally.statements)) {
    for (const [sql, s] of Object.entries(statements)) {
      if (isWait(sql)) {
        sum.waits += s.count;
        sum.waitMs += s.ms;
      } else {
        sum.count += s.count;
        sum.ms += s.ms;
      }
    }
  }
  const per = (n: number) => (n / launches).toFixed(n / launches < 10 ? 2 : 1);
  return (
    `SQL statements: ${per(sum.count)} per ${unit}, ${per(sum.ms)} ms of driver time per ${unit} (call to callback, queueing included); ` +
    `${per(sum.waits)} waits for a pooled connection per ${unit}, ${per(sum.waitMs)} ms waiting per ${unit}`
  );
}

/**
 * Statements per route, from a sequential pass (one request in flight, so each statement is
 * attributed to the request that issued it), per launch (or per `unit`).
 */
export function summariseSqlByRoute(file: string, launches: number, unit = 'launch'): string {
  const tally = JSON.parse(fs.readFileSync(file, 'utf8')) as Tally;
  const lines: string[] = [];
  for (const [route, statements] of Object.entries(tally.statements)) {
    const entries = Object.entries(statements).sort((a, b) => b[1].count - a[1].count);
    const total = entries.reduce((sum, [, s]) => sum + s.count, 0);
    const ms = entries.reduce((sum, [, s]) => sum + s.ms, 0);
    lines.push(`  ${route}: ${(total / launches).toFixed(1)} statements, ${(ms / launches).toFixed(2)} ms per ${unit}`);
    for (const [sql, s] of entries)
      lines.push(
        `    ${(s.count / launches).toFixed(1).padStart(4)} x ${(s.ms / s.count).toFixed(2).padStart(5)} ms  ${sql}`,
      );
  }
  return lines.join('\n');
}
