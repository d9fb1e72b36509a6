import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * A fixed CPU workload (200,000 SHA-256 hashes) timed in the benchmark process: how fast this
 * machine runs right now. On a shared virtual machine the same work has taken from 300 to over
 * 500 ms within one hour, and every figure of a benchmark moves with it; printing it beside the
 * figures tells a slow hour from a slow change.
 */
export function calibrationMs(): number {
  const start = performance.now();
  for (let i = 0; i < 200_000; i++) crypto.createHash('sha256').update(`calibration ${i}`).digest();
  return Math.round(performance.now() - start);
}

/** The line the benchmarks print: the calibration before and after the measured part. */
export const calibrationLine = (before: number, after: number) =>
  `machine speed: 200,000 SHA-256 in ${before} ms before, ${after} ms after (lower is faster; about 300 ms on an unloaded 2-core EPYC host)`;
