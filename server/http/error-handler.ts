import type { NextFunction, Request, Response } from 'express';
import { httpStatusOf, SiltaError } from '../errors';
import { isLanguage, translator } from '../i18n';
import type { Logger } from '../logger';
import { errorPageLinks } from './error-page';

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || (!!req.get('accept') && req.accepts(['html', 'json']) === 'json');
}

/**
 * Errors that body-parser and express raise for a bad request (too large, too many fields,
 * unparseable, unsupported charset, malformed URL) carry a 4xx `status` and `expose`: they are
 * the client's fault and must not become a 500 with an error log.
 */
function clientError(error: unknown): SiltaError | undefined {
  const e = error as { type?: unknown; status?: unknown; expose?: unknown } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status > 499 || e.expose !== true) return undefined;
  const detail = typeof e.type === 'string' ? e.type : String(error);
  if (e.status === 413) return new SiltaError('payload_too_large', 'too_large', detail);
  if (e.status === 404) return new SiltaError('not_found', 'not_found', detail);
  return new SiltaError('validation_failed', 'bad_request', detail);
}

/**
 * The one place errors become HTTP responses: a page (or JSON) in the user's language with a
 * stable code. Unknown errors become a generic message and a log line, never a stack trace.
 */
export function errorHandler(logger: Logger, publicUrl?: string) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const known = error instanceof SiltaError ? error : clientError(error);
    const status = known ? httpStatusOf(known) : 500;
    const code = known?.code ?? 'internal';
    // The request's own logger carries its id, so the line joins the request's other lines.
    const log = req.log ?? logger;
    if (known) log.info({ code, detail: known.detail, path: req.path, status }, 'request rejected');
    else log.error({ err: error, path: req.path }, 'request failed');
    const lang = isLanguage(res.locals.lang) ? res.locals.lang : 'fi';
    const t = translator(lang);
    const message = t(`errors.${code}`, known?.params ?? {});
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: { code, message } });
      return;
    }
    res.render('pages/error', {
      lang,
      title: t('errors.title'),
      code,
      message,
      status,
      retryInNewWindow: ['lti_state_mismatch', 'session_expired', 'lti_token_expired', 'lti_nonce_mismatch'].includes(
        code,
      ),
      relaunchUrl: res.locals.relaunchUrl,
      ...errorPageLinks(req, res, lang, publicUrl),
    });
  };
}
