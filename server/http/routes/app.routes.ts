import { Router } from 'express';
import { presentLanding } from '../../domain/launches/landing.presenter';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The role-aware landing page a launch opens. */
export function appRoutes(): Router {
  const router = Router();
  router.get('/app', requireLaunch, (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      // A link placed as a module opens the module (teachers get its overview too).
      if (launch.custom.module && launch.resourceLink) return res.redirect(303, `/modules?lt=${launch.sessionId}`);
      if (launch.custom.target === 'board' && launch.resourceLink) return res.redirect(303, `/board?lt=${launch.sessionId}`);
      if (launch.custom.target === 'session' && launch.resourceLink) return res.redirect(303, `/sessions/start?lt=${launch.sessionId}`);
      res.render('pages/home', presentLanding(launch));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
