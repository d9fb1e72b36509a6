import { Router } from 'express';
import { launchDestination } from '../../domain/launches/launch-destination';
import { renderLanding } from '../landing-page';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The role-aware landing page a launch opens, or the page of what the link was placed as. */
export function appRoutes(): Router {
  const router = Router();
  router.get('/app', requireLaunch, (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const destination = launchDestination(
        { custom: launch.custom, hasResourceLink: !!launch.resourceLink },
        launch.sessionId,
      );
      if (destination) return res.redirect(303, destination);
      renderLanding(res, launch);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
