import { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { analyserStatus } from '../../domain/board/search/analyser';
import type { Lifecycle } from '../../ops/lifecycle';

/**
 * `/healthz`: the process answers. `/readyz`: the database answers too, and the process is not
 * shutting down (a load balancer stops sending it traffic as soon as it drains); `search` says
 * whether Finnish is read by Voikko or by the Snowball fallback.
 */
export function healthRoutes(sequelize: Sequelize, lifecycle: Lifecycle = { draining: false }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await sequelize.query('SELECT 1');
      res.json({ status: 'ready', database: 'ok', search: analyserStatus() });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}
