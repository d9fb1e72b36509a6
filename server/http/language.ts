import type { NextFunction, Request, Response } from 'express';
import { isLanguage, languageFromAcceptLanguage } from '../i18n';

/**
 * The page language before any launch is known: `?lang=`, else the browser's Accept-Language,
 * else Finnish. Launched pages override it with the launch's language.
 */
export function pageLanguage(req: Request, res: Response, next: NextFunction) {
  const asked = req.query.lang;
  res.locals.lang = isLanguage(asked) ? asked : languageFromAcceptLanguage(req.get('accept-language'));
  next();
}
