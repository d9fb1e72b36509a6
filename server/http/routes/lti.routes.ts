import express, { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { beginLogin } from '../../../lti/login';
import { relaunchUrl, validateLaunch, type LaunchDeps } from '../../../lti/launch';
import { launchDestination } from '../../domain/launches/launch-destination';
import { recordLaunch } from '../../domain/launches/launch.service';
import { useLaunch } from '../launch-session';
import { landingAddress, renderLanding } from '../landing-page';

/** `/lti/login` and `/lti/launch`: the OIDC login initiation and the id_token POST. */
export function ltiRoutes(
  deps: LaunchDeps & { sequelize: Sequelize; publicUrl: string; sessionHours: number },
): Router {
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
      const { token, opened: openedLaunch } = await recordLaunch(deps.sequelize, launch, deps.sessionHours);
      // 303 turns the POST into a GET, so reloading the page does not resend the id_token.
      if (launch.messageType === 'LtiDeepLinkingRequest') return res.redirect(303, `/lti/deep-link?lt=${token}`);
      const destination = launchDestination({ custom: launch.custom, hasResourceLink: !!launch.resourceLink }, token);
      if (destination) return res.redirect(303, destination);
      // The landing page comes in the answer itself, one round trip sooner than after a redirect
      // (a phone far from the server feels it); the page gives the browser its GET address, so
      // reloading it does not resend the id_token (decision 0009). What was just written needs no
      // read back (decision 0020).
      const opened = await openedLaunch();
      useLaunch(res, opened);
      renderLanding(res, opened, { address: landingAddress(token) });
    } catch (error) {
      res.locals.relaunchUrl = await relaunchUrl(deps.registry, req.body);
      next(error);
    }
  });
  return router;
}
