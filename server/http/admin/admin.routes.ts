import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { LtijsProvider } from 'ltijs';
import type { Sequelize } from 'sequelize';
import { purgeRetiredKeys } from '../../../lti/key-rotation';
import type { PlatformRegistry } from '../../../lti/platforms';
import type { ModuleLibrary } from '../../domain/modules/versions/module-library';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { adminLanguage } from './admin-page';
import { adminSession } from './admin-session';
import { authRoutes } from './auth.routes';
import { contentRoutes } from './content.routes';
import { moduleEditorRoutes } from './module-editor.routes';
import { csrfProtection } from './csrf';
import { uploadBody } from './pack-upload-body';
import { gradeRoutes } from './grades.routes';
import { keyRoutes } from './keys.routes';
import { peopleRoutes } from './people.routes';
import { platformRoutes } from './platforms.routes';
import { regionRoutes } from './regions.routes';
import { reportRoutes } from './reports.routes';
import { requireAdmin } from './require-admin';

export type AdminDeps = {
  env: Env;
  sequelize: Sequelize;
  lti: LtijsProvider;
  registry: PlatformRegistry;
  logger: Logger;
  /** The published modules (the database), shared by every instance. */
  modules: ModuleLibrary;
  /** Called after failed grades were put back in the outbox (wakes the worker). */
  onGradesRequeued?: () => void;
};

const MAINTENANCE_MS = 10 * 60_000;

/** The console is never framed and never cached; its CSP replaces the LTI pages' frame-ancestors. */
function consoleHeaders(_req: Request, res: Response, next: NextFunction) {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string')
    res.setHeader(
      'Content-Security-Policy',
      csp.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'").replace(/form-action [^;]*/, "form-action 'self'"),
    );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * The admin console under /admin: its own cookie session in the database, passport's local
 * strategy, CSRF tokens on every form. Each section is a router of its own; a new section is
 * mounted below and listed in admin-nav.ts (docs/decisions/0008).
 */
export function adminRoutes(deps: AdminDeps): Router {
  const router = Router();
  const session = adminSession({
    sequelize: deps.sequelize,
    secretKey: deps.env.secretKey,
    publicUrl: deps.env.publicUrl,
  });
  const maintenance = setInterval(() => {
    session.store.prune().catch((err: unknown) => deps.logger.warn({ err }, 'pruning admin sessions failed'));
    purgeRetiredKeys(deps.lti).catch((err: unknown) => deps.logger.warn({ err }, 'removing retired tool keys failed'));
  }, MAINTENANCE_MS);
  maintenance.unref();

  router.use(consoleHeaders);
  // The module editor posts a whole module's texts; every other form stays small.
  router.use('/content', express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 5000 }));
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  router.use(...session.middleware);
  router.use(adminLanguage);
  // A pack zip or Moodle XML file (multipart), for a signed-in admin only, before the CSRF check reads its fields.
  router.use(uploadBody);
  router.use(csrfProtection);
  router.use(authRoutes(session));
  router.use(requireAdmin);
  router.get('/', (_req, res) => res.redirect(303, '/admin/platforms'));
  router.use(platformRoutes(deps));
  router.use(keyRoutes(deps));
  router.use(gradeRoutes(deps));
  router.use(regionRoutes(deps));
  router.use(contentRoutes(deps));
  router.use(moduleEditorRoutes(deps));
  router.use(reportRoutes(deps));
  router.use(peopleRoutes(deps));
  return router;
}
