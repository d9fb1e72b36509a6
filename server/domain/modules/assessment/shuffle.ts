import { randomInt } from 'node:crypto';

/**
 * Per-attempt option order. An attempt stores one seed (module_attempts.shuffle_seed); the order
 * of each question follows from the seed, the step and the question, so it is the same on every
 * page load of the attempt, and a new attempt (new seed) gets a new order.
 */

/** A seed for a new attempt: fits a 32-bit signed INTEGER column in every dialect. */
export function newShuffleSeed(): number {
  return randomInt(1, 2 ** 31 - 1);
}

/** FNV-1a, 32 bits: mixes the seed with the question's place so questions differ. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * mulberry32: a small deterministic generator; this is about order, not secrecy (the board
 * benchmark seeds its boards with it too).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The order in which to show `count` options (indexes into the question's options): a
 * Fisher-Yates shuffle driven by the attempt's seed, or the file's order when `shuffle` is off.
 */
export function optionOrder(
  seed: number,
  stepId: string,
  questionId: string,
  count: number,
  shuffle: boolean,
): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  const next = seededRandom(hash(`${seed}:${stepId}:${questionId}`));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
