import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { SiltaError } from '../../errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/** The session's CSRF token (a synchronizer token), made on first use; every admin form carries it as `_csrf`. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= crypto.randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

/**
 * Refuses every request under /admin that may change something unless it carries the session's
 * token (form field `_csrf` or header `X-CSRF-Token`): a missing session, a missing token and a
 * wrong one are all `admin_csrf_invalid` (403), before any route runs.
 */
export function csrfProtection(req: Request, _res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method)) return next();
  const sent: unknown = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  const expected = req.session?.csrfToken;
  // Comparing digests gives equal lengths, which timingSafeEqual needs.
  const ok = typeof sent === 'string' && !!expected && crypto.timingSafeEqual(digest(sent), digest(expected));
  next(
    ok ? undefined : new SiltaError('admin_csrf_invalid', 'forbidden', sent === undefined ? 'no token' : 'wrong token'),
  );
}
