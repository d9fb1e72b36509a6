import type { TimerView } from '../../../server/sockets/session-events';

/** How far the server's clock is ahead of this browser's (ms): times are the server's. */
export const clockOffset = (serverNow: string, clientNow = Date.now()): number => Date.parse(serverNow) - clientNow;

/** Time left on the timer (ms) at the client's `clientNow`, on the server's clock; null when idle. */
export function remainingMs(timer: TimerView, offset: number, clientNow = Date.now()): number | null {
  if (timer.status === 'running') return Math.max(0, Date.parse(timer.endsAt) - (clientNow + offset));
  if (timer.status === 'paused') return timer.remainingMs;
  return null;
}

export { formatRemaining } from '../../../server/domain/session-ui/time-left';

/** Minute marks worth saying aloud while a timer runs. */
const MARKS = [5, 2, 1];

/**
 * The announcement due when the time left went from `before` to `now` (ms): a minute mark
 * crossed ("2 minutes left", as a count) or the end (0); null otherwise.
 */
export function crossedMark(before: number | null, now: number | null): number | null {
  if (before === null || now === null || now >= before) return null;
  if (now === 0) return 0;
  const mark = MARKS.find((m) => before > m * 60_000 && now <= m * 60_000);
  return mark ?? null;
}
