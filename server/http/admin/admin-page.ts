import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { validationErrorOf } from '../../errors';
import { isLanguage, languageLinks, translator, type Language } from '../../i18n';
import { ADMIN_NAV } from './admin-nav';
import { csrfToken } from './csrf';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    /** The admin's language choice (the switch); Accept-Language until then. */
    lang?: Language;
  }
}

/** The console's language: `?lang=` (remembered in the session), the remembered choice, else Accept-Language. */
export function adminLanguage(req: Request, res: Response, next: NextFunction) {
  const asked = req.query.lang;
  if (isLanguage(asked) && req.session) req.session.lang = asked;
  if (isLanguage(req.session?.lang)) res.locals.lang = req.session.lang;
  next();
}

/** The request's language (set by pageLanguage, then adminLanguage). */
export const langOf = (res: Response): Language => (isLanguage(res.locals.lang) ? res.locals.lang : 'fi');

/**
 * Renders an admin page in the admin layout: title, language switch for the same page, menu with
 * the current section marked, and the CSRF token for its forms.
 */
export function renderAdmin(
  req: Request,
  res: Response,
  view: string,
  titleKey: string,
  data: Record<string, unknown> = {},
  status = 200,
) {
  const lang = langOf(res);
  const t = translator(lang);
  const path = `${req.baseUrl}${req.path}`;
  res.status(status).render(`admin/${view}`, {
    layout: 'admin',
    lang,
    title: t(titleKey, data),
    csrfToken: csrfToken(req),
    admin: req.user ? { username: (req.user as { username: string }).username } : undefined,
    nav: req.user
      ? ADMIN_NAV.map((item) => ({
          href: item.href,
          label: t(item.label),
          current: path === item.href || path.startsWith(`${item.href}/`),
        }))
      : [],
    languages: languageLinks(lang, (l) => `${path}?lang=${l}`),
    ...data,
  });
}

/** Parses input with a zod schema; a mismatch is `validation_failed` naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationErrorOf(parsed.error.issues);
  return parsed.data;
}

/** Wraps an async handler so its rejection reaches the error handler. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch(next);
  };
