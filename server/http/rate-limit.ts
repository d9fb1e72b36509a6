import type { NextFunction, Request, Response } from 'express';
import { SiltaError } from '../errors';

/**
 * A fixed-window request counter per key (client IP, or launch session), kept in this process.
 * With several instances each counts its own share, which is enough to stop a flood; the limits
 * are generous because a whole hospital may reach Silta through one NAT address.
 */
export function rateLimit(options: { perMinute: number; key: (req: Request) => string | undefined }) {
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction) => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      counts = new Map();
    }
    const key = options.key(req);
    if (key === undefined) return next();
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > options.perMinute) {
      res.setHeader('Retry-After', String(Math.ceil((windowStart + 60_000 - now) / 1000)));
      return next(new SiltaError('rate_limited', 'too_many'));
    }
    next();
  };
}
