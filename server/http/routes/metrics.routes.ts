import crypto from 'node:crypto';
import { Router } from 'express';
import { SiltaError } from '../../errors';
import { registry } from '../../ops/metrics';

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/** Compares in constant time (digests have equal length whatever was sent). */
const sameToken = (given: string, expected: string) => crypto.timingSafeEqual(digest(given), digest(expected));

/**
 * `GET /metrics` in Prometheus text format for a scraper that sends `Authorization: Bearer
 * <METRICS_TOKEN>`. Without a configured token there is no endpoint (404).
 */
export function metricsRoutes(props: { token?: string }): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    const { token } = props;
    if (!token) return next();
    try {
      const given = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (!given || !sameToken(given, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new SiltaError('metrics_unauthorized', 'unauthorized');
      }
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
