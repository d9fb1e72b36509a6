import { translator } from '../i18n';
import type { Logger } from '../logger';
import type { SiltaSocket } from './events';

export type RateLimitOptions = {
  /** Events refilled per second. */
  perSecond: number;
  /** Bucket size: how many events may arrive at once. */
  burst: number;
};

export const DEFAULT_SOCKET_RATE: RateLimitOptions = { perSecond: 20, burst: 40 };

/** A token bucket: `take()` is false when the bucket is empty. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.last = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.last) / 1000) * this.options.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Limits the events of one socket (each socket has its own bucket, so a flood from one leaves
 * the others alone). An event over the limit is not handled: a command gets a `rate_limited`
 * error acknowledgement, anything else is dropped.
 */
export function limitSocketRate(socket: SiltaSocket, logger: Logger, options: RateLimitOptions = DEFAULT_SOCKET_RATE) {
  const bucket = new TokenBucket(options);
  let warned = false;
  socket.use((packet, next) => {
    if (bucket.take()) return next();
    if (!warned) {
      warned = true;
      logger.warn({ socket: socket.id, userId: socket.data.userId, event: packet[0] }, 'socket rate limited');
    }
    const ack: unknown = packet[packet.length - 1];
    // No log line per rejected event: one warning per socket is enough during a flood.
    if (typeof ack === 'function')
      (ack as (a: unknown) => void)({
        error: { code: 'rate_limited', message: translator(socket.data.language)('errors.rate_limited') },
      });
  });
}
