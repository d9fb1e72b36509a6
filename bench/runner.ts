import { performance } from 'node:perf_hooks';
import { CookieJar } from './http-client';
import type { RunResult } from './stats';
import type { Prepared, Target } from './targets';

/** Runs `work` over indices with at most `concurrency` in flight. */
async function pool<T>(
  count: number,
  concurrency: number,
  work: (index: number, worker: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async (_, worker) => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index, worker);
      }
    }),
  );
  return results;
}

/** Prepares `count` launches of `users` virtual users (the platform-side set-up, outside the timing). */
export async function prepareLaunches(
  target: Target,
  first: number,
  count: number,
  users: number,
): Promise<Prepared[]> {
  return pool(count, 8, (i) => target.prepare(first + i, users));
}

/**
 * Runs prepared launches, one after another per virtual user and the virtual users side by side
 * (so `users` launches are in flight), each user with its own cookie jar, until all are done or
 * the deadline passes (launches in flight then still finish). Times each whole launch
 * (login → first page) and each step.
 */
export async function runLaunches(
  target: Target,
  prepared: Prepared[],
  users: number,
  deadline: number,
): Promise<RunResult> {
  const result: RunResult = {
    tool: target.name,
    launches: 0,
    errors: 0,
    errorSamples: [],
    wallMs: 0,
    latencies: [],
    steps: {},
  };
  const queues = Array.from({ length: users }, (_, user) => prepared.filter((p) => p.user === user));
  const started = performance.now();
  await Promise.all(
    queues.map(async (queue) => {
      const jar = new CookieJar();
      for (const launch of queue) {
        if (Date.now() >= deadline) break;
        const steps: [string, number][] = [];
        const t0 = performance.now();
        try {
          await target.launch(launch, jar, async (step, work) => {
            const s0 = performance.now();
            const value = await work();
            steps.push([step, performance.now() - s0]);
            return value;
          });
          result.latencies.push(performance.now() - t0);
          for (const [step, duration] of steps) (result.steps[step] ??= []).push(duration);
        } catch (error) {
          result.errors++;
          jar.clear();
          if (result.errorSamples.length < 5)
            result.errorSamples.push(error instanceof Error ? error.message : String(error));
        }
        result.launches++;
      }
    }),
  );
  result.wallMs = performance.now() - started;
  return result;
}
