import { Router } from 'express';
import { chooseLanguage } from '../../domain/launches/launch.service';
import { presentLanding } from '../../domain/launches/landing.presenter';
import { isLanguage } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The role-aware landing page a launch opens. */
export function appRoutes(): Router {
  const router = Router();
  router.get('/app', requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      if (isLanguage(req.query.lang) && req.query.lang !== launch.language) {
        await chooseLanguage(launch.sessionId, req.query.lang);
        launch.language = req.query.lang;
        res.locals.lang = launch.language;
      }
      // A link placed as a module opens the module (teachers get its overview too).
      if (launch.custom.module && launch.resourceLink) return res.redirect(303, `/modules?lt=${launch.sessionId}`);
      res.render('pages/home', presentLanding(launch));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
