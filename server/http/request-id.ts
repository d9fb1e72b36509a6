import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What an upstream proxy may hand us as a request id: short, and nothing that could forge a log line. */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * pino-http's `genReqId`: keeps the reverse proxy's `X-Request-Id` when it looks like an id (so one
 * id follows a request through proxy and Silta logs), otherwise makes one, and returns it to the
 * client in `X-Request-Id`.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTED.test(given) ? given : crypto.randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
