import express, { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { beginLogin } from '../../../lti/login';
import { relaunchUrl, validateLaunch, type LaunchDeps } from '../../../lti/launch';
import { recordLaunch } from '../../domain/launches/launch.service';

/** `/lti/login` and `/lti/launch`: the OIDC login initiation and the id_token POST. */
export function ltiRoutes(deps: LaunchDeps & { sequelize: Sequelize; publicUrl: string; sessionHours: number }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '100kb' });

  router.all('/lti/login', form, async (req, res, next) => {
    try {
      const params = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown>) ?? {}) };
      res.redirect(302, await beginLogin(deps, params));
    } catch (error) {
      next(error);
    }
  });

  router.post('/lti/launch', form, async (req, res, next) => {
    try {
      const launch = await validateLaunch(deps, req.body);
      res.locals.lang = launch.language;
      const token = await recordLaunch(deps.sequelize, launch, deps.sessionHours);
      const page = launch.messageType === 'LtiDeepLinkingRequest' ? '/lti/deep-link' : '/app';
      // 303 turns the POST into a GET, so reloading the page does not resend the id_token.
      res.redirect(303, `${page}?lt=${token}`);
    } catch (error) {
      res.locals.relaunchUrl = await relaunchUrl(deps.registry, req.body);
      next(error);
    }
  });
  return router;
}
