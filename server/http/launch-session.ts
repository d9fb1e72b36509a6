import type { NextFunction, Request, Response } from 'express';
import type { Sequelize } from 'sequelize';
import { chooseLanguage, loadLaunch, type Launch } from '../domain/launches/launch.service';
import { isLanguage } from '../i18n';

/** The launch-session token: in the query (`lt`), a form field, or an `Authorization: Bearer` header. */
export function launchToken(req: Request): unknown {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return (req.body as Record<string, unknown> | undefined)?.lt ?? req.query.lt;
}

/**
 * Requires a launch session. Silta does not use cookies for sessions: browsers refuse
 * third-party cookies inside the Moodle iframe, so pages carry the token instead. A `?lang=` on
 * a GET is the user's language choice for the rest of the session (the language switch).
 */
export function requireLaunch(req: Request, res: Response, next: NextFunction) {
  loadLaunch(req.app.get('sequelize') as Sequelize, launchToken(req))
    .then(async (launch) => {
      const asked = req.query.lang;
      if (req.method === 'GET' && isLanguage(asked) && asked !== launch.language) {
        await chooseLanguage(launch.sessionId, asked);
        launch.language = asked;
      }
      useLaunch(res, launch);
      next();
    })
    .catch(next);
}

/** Makes `launch` the one this response is for: its pages speak its language and carry its token. */
export function useLaunch(res: Response, launch: Launch): void {
  res.locals.launch = launch;
  res.locals.lang = launch.language;
  res.locals.lt = launch.sessionId;
}

export function currentLaunch(res: Response): Launch {
  return res.locals.launch as Launch;
}
