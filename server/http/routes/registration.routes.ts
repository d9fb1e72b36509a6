import { Router, type Response } from 'express';
import { z } from 'zod';
import type { PlatformRegistry } from '../../../lti/platforms';
import { RegistrationError, runRegistration } from '../../../lti/registration';
import { httpStatusOf, LtiError, SiltaError, ValidationError } from '../../errors';
import { translator, type Language } from '../../i18n';

/** What the platform adds to Silta's registration URL, and the credential the URL carries. */
const registerQuery = z.object({
  openid_configuration: z.string().min(1).max(2048).optional(),
  registration_token: z.string().min(1).max(8192).optional(),
  invite: z.string().min(1).max(128).optional(),
  secret: z.string().min(1).max(512).optional(),
  lang: z.string().max(8).optional(),
});

/**
 * The platform opens this page in a dialog before it knows Silta, so its origin is not yet among
 * the registered framers: let the origin of the configuration URL frame this page alone.
 */
function allowFramingBy(res: Response, configurationUrl: string | undefined): void {
  let origin: string;
  try {
    const url = new URL(configurationUrl ?? '');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    origin = url.origin;
  } catch {
    return;
  }
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string')
    res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors ([^;]*)/, `frame-ancestors $1 ${origin}`));
}

/** Platform failures are a bad gateway here: Silta was fine, the platform it talked to was not. */
function statusOf(error: SiltaError): number {
  return error instanceof RegistrationError && error.upstream ? 502 : httpStatusOf(error);
}

/** LTI Dynamic Registration at `/lti/register` (Moodle's "Register tool via URL"). */
export function registrationRoutes(deps: {
  registry: PlatformRegistry;
  publicUrl: string;
  registrationSecret?: string;
  allowHttp: boolean;
}): Router {
  const router = Router();

  router.get('/lti/register', async (req, res, next) => {
    const lang = res.locals.lang as Language;
    const t = translator(lang);
    try {
      const parsed = registerQuery.safeParse(req.query);
      if (!parsed.success)
        throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      const query = parsed.data;
      allowFramingBy(res, query.openid_configuration);
      if (!query.openid_configuration)
        throw new LtiError('registration_missing_configuration', undefined, 'bad_request');

      const result = await runRegistration(deps, {
        openidConfiguration: query.openid_configuration,
        registrationToken: query.registration_token,
        invite: query.invite,
        secret: query.secret,
      });
      req.log?.info(
        { issuer: result.platform.issuer, clientId: result.platform.clientId, deploymentId: result.deploymentId },
        'platform registered',
      );
      res.render('registration/done', {
        lang,
        title: t('registration.done.title'),
        platformName: result.platform.name,
        issuer: result.platform.issuer,
        clientId: result.platform.clientId,
        deploymentId: result.deploymentId,
      });
    } catch (error) {
      if (!(error instanceof SiltaError)) return next(error);
      const status = statusOf(error);
      req.log?.info({ code: error.code, detail: error.detail, status }, 'registration refused');
      res.status(status).render('registration/failed', {
        lang,
        title: t('registration.failed.title'),
        message: t(`errors.${error.code}`, error.params),
        code: error.code,
        hint: t(
          status === 403
            ? 'registration.failed.hint_forbidden'
            : status === 502
              ? 'registration.failed.hint_platform'
              : 'registration.failed.hint_request',
        ),
      });
    }
  });
  return router;
}
