import { Router } from 'express';
import { mintRealtimeToken } from '../../domain/launches/realtime-token';
import { currentLaunch, requireLaunch } from '../launch-session';

/**
 * `GET /realtime/token?lt=…`: a fresh short-lived token for the Socket.IO handshake, so a page
 * that stays open longer than a token lives can reconnect (socket.io-client's `auth` callback).
 */
export function realtimeRoutes(options: { secretKey: string; tokenTtlSeconds?: number }): Router {
  const router = Router();
  router.get('/realtime/token', requireLaunch, async (_req, res, next) => {
    try {
      const { token, expiresAt } = await mintRealtimeToken(currentLaunch(res), options.secretKey, {
        ttlSeconds: options.tokenTtlSeconds,
      });
      res.set('Cache-Control', 'no-store');
      res.json({ token, expiresAt: expiresAt.toISOString() });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
