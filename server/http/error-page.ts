import type { Request, Response } from 'express';
import type { Launch } from '../domain/launches/launch.service';
import { languageLinks, type Language } from '../i18n';

/** A URL with `lang` set to the language asked for, other parameters kept. */
function withLang(url: URL, lang: Language): string {
  const copy = new URL(url);
  copy.searchParams.set('lang', lang);
  return `${copy.pathname}${copy.search}`;
}

/** The page the user came from when it is one of Silta's own (same host), as a path; never another site. */
export function siltaReferrer(req: Request, publicUrl?: string): URL | undefined {
  const referrer = req.get('referer');
  if (!referrer) return undefined;
  try {
    const url = new URL(referrer);
    const ours = url.host === req.get('host') || (!!publicUrl && url.host === new URL(publicUrl).host);
    if (!ours || !/^https?:$/.test(url.protocol)) return undefined;
    if (url.pathname === req.path && req.method === 'GET') return undefined; // a reload of the error itself
    return url;
  } catch {
    return undefined;
  }
}

/** Only web addresses may be links out: a return URL from a platform could carry anything. */
const safeHttp = (value: string | null | undefined): string | undefined =>
  value && /^https?:\/\//i.test(value) ? value : undefined;

/**
 * What an error page shows around the message: the language switch (to this address on a GET,
 * to the previous page on a POST, whose address cannot be fetched again), a way back to the page
 * the user came from inside Silta, and "back to the course" when the launch gave a return URL.
 */
export function errorPageLinks(req: Request, res: Response, lang: Language, publicUrl?: string) {
  const launch = res.locals.launch as Launch | undefined;
  const referrer = siltaReferrer(req, publicUrl);
  const here = req.method === 'GET' ? new URL(req.originalUrl, 'http://silta.invalid') : referrer;
  return {
    languages: here ? languageLinks(lang, (l) => withLang(here, l)) : undefined,
    backUrl: referrer ? `${referrer.pathname}${referrer.search}` : undefined,
    courseUrl: safeHttp(launch?.returnUrl),
  };
}
