import express, { Router } from 'express';
import { z } from 'zod';
import { translator } from '../../server/i18n';
import { SCOPE } from '../claims';
import { PLATFORM_CONFIGURATION, TOOL_CONFIGURATION } from '../registration';
import type { DevPlatform } from './dev-platform';

const httpUrl = z
  .string()
  .max(2048)
  .refine(
    (value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol),
    'must be an http(s) URL',
  );

/** The registration request as Moodle's registration_helper checks it. */
const toolRegistrationSchema = z.object({
  application_type: z.literal('web').optional(),
  response_types: z.array(z.string()).refine((types) => types.includes('id_token'), 'invalid_response_types'),
  initiate_login_uri: httpUrl,
  redirect_uris: z.array(httpUrl).min(1, 'invalid_redirect_uris'),
  client_name: z.string().min(1).max(255),
  jwks_uri: httpUrl,
  token_endpoint_auth_method: z.literal('private_key_jwt', { message: 'invalid_token_endpoint_auth_method' }),
  logo_uri: httpUrl.optional(),
  scope: z.string().max(2048).optional(),
  [TOOL_CONFIGURATION]: z.object({
    domain: z.string().min(1).max(255),
    target_link_uri: httpUrl,
    description: z.string().max(2048).optional(),
    claims: z.array(z.string()).optional(),
    messages: z.array(z.object({ type: z.string(), target_link_uri: httpUrl.optional() })).optional(),
  }),
});

/**
 * The development platform's side of LTI Dynamic Registration, mounted at
 * `/dev/platform/registration`: its OpenID configuration, the registration endpoint that answers
 * with a fresh client id and deployment (like Moodle's openid-registration.php), and a page like
 * Moodle's Manage tools that opens a tool's registration URL in a dialog with the two parameters
 * Moodle adds.
 */
export function devRegistrationRoutes(platform: DevPlatform): Router {
  const router = Router();
  const toolOrigin = new URL(platform.toolUrl).origin;
  const configurationUrl = `${platform.issuer}/registration/openid-configuration`;

  /** The tool's registration URL as Moodle opens it; only the tool's own addresses (no open redirect). */
  const registrationUrl = (url: string): string | undefined => {
    if (new URL(url).origin !== toolOrigin) return undefined;
    const target = new URL(url);
    target.searchParams.set('openid_configuration', configurationUrl);
    target.searchParams.set('registration_token', platform.issueRegistrationToken());
    return target.href;
  };

  // Moodle's "Tool URL" + "Add LTI Advantage": the registration opens in a dialog (an iframe), and
  // the page lists the tools once the tool asks to close it.
  router.get('/', (req, res) => {
    const lang = res.locals.lang;
    const t = translator(lang);
    const query = z.object({ url: httpUrl.optional(), closed: z.literal('1').optional() }).safeParse(req.query);
    const toolUrl = query.success ? query.data.url : undefined;
    const frameUrl = toolUrl ? registrationUrl(toolUrl) : undefined;
    const ok = query.success && (!toolUrl || frameUrl);
    // A refused address comes back in the field as typed, with the summary and the field's message.
    const message = ok ? undefined : t('registration.dev.tool_url_invalid', { origin: toolOrigin });
    res.status(ok ? 200 : 400).render('dev-platform/registration', {
      lang,
      title: t('registration.dev.title'),
      toolUrl: typeof req.query.url === 'string' ? req.query.url : '',
      frameUrl,
      errors: message ? { summary: [{ href: '#tool-url', text: message }], fields: { url: message } } : undefined,
      closed: query.success && query.data.closed === '1',
      closedHref: `/dev/platform/registration?lang=${lang}&closed=1`,
      toolOrigin,
      tools: platform.registeredClients(),
    });
  });

  router.get('/openid-configuration', (_req, res) => {
    res.json({
      issuer: platform.issuer,
      token_endpoint: platform.tokenEndpoint,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: platform.jwksUrl,
      authorization_endpoint: platform.authEndpoint,
      registration_endpoint: `${platform.issuer}/registration/register`,
      scopes_supported: ['openid', ...Object.values(SCOPE)],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
      [PLATFORM_CONFIGURATION]: {
        product_family_code: 'moodle',
        version: '4.5 (Build: 20241007)',
        messages_supported: ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'],
        placements: ['AddContentMenu'],
      },
    });
  });

  // Moodle answers errors with a bare message and its status code.
  router.post('/register', express.json({ limit: '100kb' }), (req, res) => {
    const auth = req.get('authorization') ?? '';
    if (!auth.startsWith('Bearer ')) {
      res.status(401).type('text').send('missing_registration_token');
      return;
    }
    const parsed = toolRegistrationSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res
        .status(400)
        .type('text')
        .send(
          issue.message.startsWith('invalid_') ? issue.message : `missing required attribute ${issue.path.join('.')}`,
        );
      return;
    }
    if (!platform.consumeRegistrationToken(auth.slice('Bearer '.length).trim())) {
      res.status(401).type('text').send('token_already_used');
      return;
    }
    const body = parsed.data;
    const client = platform.addClient(body.redirect_uris);
    const tool = body[TOOL_CONFIGURATION];
    res.json({
      client_id: client.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      response_types: ['id_token'],
      jwks_uri: body.jwks_uri,
      initiate_login_uri: body.initiate_login_uri,
      grant_types: ['client_credentials', 'implicit'],
      redirect_uris: body.redirect_uris,
      application_type: ['web'],
      client_name: body.client_name,
      logo_uri: body.logo_uri ?? '',
      scope: body.scope ?? '',
      [TOOL_CONFIGURATION]: {
        deployment_id: client.deploymentId,
        target_link_uri: tool.target_link_uri,
        domain: tool.domain,
        description: tool.description ?? '',
        messages: (tool.messages ?? []).filter((m) => m.type === 'LtiDeepLinkingRequest'),
        claims: ['sub', 'iss', 'name', 'family_name', 'email'],
      },
    });
  });

  // Like Moodle's startltiadvregistration.php: redirects to the tool's registration URL with the
  // configuration URL and a fresh registration token appended to its query string.
  router.get('/start', (req, res) => {
    const parsed = z.object({ url: httpUrl }).safeParse(req.query);
    const target = parsed.success ? registrationUrl(parsed.data.url) : undefined;
    if (!target) {
      res.status(400).type('text').send('url must be an address of the tool');
      return;
    }
    res.redirect(302, target);
  });
  return router;
}
