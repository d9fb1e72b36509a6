import crypto from 'node:crypto';
import { Op } from 'sequelize';
import { z } from 'zod';
import { LtiError, SiltaError } from '../server/errors';
import { LANGUAGES, translator } from '../server/i18n';
import { RegistrationInvite } from '../server/store/models';
import { SCOPE } from './claims';
import type { PlatformConfig, PlatformRegistry } from './platforms';

/** Keys of LTI Dynamic Registration 1.0 (https://www.imsglobal.org/spec/lti-dr/v1p0). */
export const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
export const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';

/** Longest an invite may live: a forgotten link should not stay usable for months. */
export const MAX_INVITE_HOURS = 24 * 30;
const FETCH_TIMEOUT_MS = 10_000;
const MAX_BODY_CHARS = 256_000;

export type RegistrationDeps = {
  registry: PlatformRegistry;
  publicUrl: string;
  registrationSecret?: string;
  allowHttp: boolean;
};

export type RegistrationResult = { platform: PlatformConfig; deploymentId: string; product?: string };

/**
 * A registration that failed for a reason the admin can act on. `upstream` marks failures of the
 * platform (unreachable, refused, answered nonsense), which the HTTP layer reports as 502.
 */
export class RegistrationError extends SiltaError {
  constructor(
    code: string,
    detail: string,
    params: Record<string, string | number> = {},
    readonly upstream = false,
  ) {
    super(code, upstream ? 'unavailable' : 'bad_request', detail, params);
  }
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/** Creates a one-time registration URL; only a hash of its token is stored. */
export async function createInvite(
  publicUrl: string,
  ttlHours = 24,
): Promise<{ token: string; url: string; expiresAt: Date }> {
  if (!(ttlHours > 0 && ttlHours <= MAX_INVITE_HOURS))
    throw new RangeError(`ttlHours must be between 0 and ${MAX_INVITE_HOURS}`);
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await RegistrationInvite.create({ tokenHash: sha256(token), expiresAt, usedAt: null });
  return { token, url: `${publicUrl}/lti/register?invite=${token}`, expiresAt };
}

/** What allowed a registration: the configured secret, or an invite claimed for this attempt. */
type Grant = { kind: 'secret' } | { kind: 'invite'; tokenHash: string; claimedAt: Date };

/**
 * Checks the registration request's credential. An invite is claimed with one conditional UPDATE,
 * so two concurrent requests with the same invite cannot both pass; the claim is released again
 * when the registration then fails.
 */
async function authorise(
  credentials: { invite?: string; secret?: string },
  registrationSecret: string | undefined,
): Promise<Grant> {
  if (credentials.secret !== undefined) {
    // Hashing first gives equal lengths, which timingSafeEqual needs, and hides the secret's length.
    const ok =
      !!registrationSecret &&
      crypto.timingSafeEqual(
        Buffer.from(sha256(credentials.secret), 'hex'),
        Buffer.from(sha256(registrationSecret), 'hex'),
      );
    if (!ok) throw new LtiError('registration_invalid_token', 'wrong registration secret', 'forbidden');
    return { kind: 'secret' };
  }
  if (credentials.invite) {
    const tokenHash = sha256(credentials.invite);
    const claimedAt = new Date();
    const [claimed] = await RegistrationInvite.update(
      { usedAt: claimedAt },
      { where: { tokenHash, usedAt: null, expiresAt: { [Op.gt]: claimedAt } } },
    );
    if (claimed === 1) return { kind: 'invite', tokenHash, claimedAt };
    throw new LtiError('registration_invalid_token', 'invite unknown, used or expired', 'forbidden');
  }
  throw new LtiError('registration_invalid_token', 'neither an invite nor the registration secret', 'forbidden');
}

async function release(grant: Grant): Promise<void> {
  if (grant.kind === 'invite')
    await RegistrationInvite.update(
      { usedAt: null },
      { where: { tokenHash: grant.tokenHash, usedAt: grant.claimedAt } },
    );
}

/**
 * The whole registration request: authorise (invite or secret), register with the platform, and
 * keep the invite used only when everything succeeded.
 */
export async function runRegistration(
  deps: RegistrationDeps,
  request: { openidConfiguration: string; registrationToken?: string; invite?: string; secret?: string },
): Promise<RegistrationResult> {
  const grant = await authorise(request, deps.registrationSecret);
  try {
    return await register(deps, request.openidConfiguration, request.registrationToken);
  } catch (error) {
    await release(grant);
    throw error;
  }
}

const configSchema = z.object({
  issuer: z.string().url(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
  registration_endpoint: z.string().url(),
  [PLATFORM_CONFIGURATION]: z.object({ product_family_code: z.string().max(64).optional() }).optional(),
});

const responseSchema = z.object({
  client_id: z.string().min(1).max(255),
  [TOOL_CONFIGURATION]: z.object({
    deployment_id: z.union([z.string().min(1).max(255), z.number()]).transform(String),
  }),
});

/**
 * Registers Silta with a platform (LTI Dynamic Registration): fetches its OpenID configuration,
 * checks it, posts Silta's tool configuration to its registration endpoint and stores the client
 * id and deployment it answers with. ltijs then makes the tool key pair for that platform. It
 * fetches whatever URL it is given, so callers authorise the request first (runRegistration).
 */
export async function register(
  deps: RegistrationDeps,
  openidConfigurationUrl: string,
  registrationToken?: string,
): Promise<RegistrationResult> {
  const configUrl = checkedUrl(openidConfigurationUrl, deps.allowHttp, 'registration_invalid_configuration_url');
  const config = configSchema.safeParse(
    await fetchJson(configUrl.href, { method: 'GET', headers: { accept: 'application/json' } }),
  );
  if (!config.success) {
    const field = String(config.error.issues[0]?.path[0] ?? 'issuer');
    throw new RegistrationError('registration_config_invalid', `${configUrl.href}: ${field}`, { field }, true);
  }
  const platform = config.data;
  if (new URL(platform.issuer).origin !== configUrl.origin) {
    throw new RegistrationError('registration_issuer_mismatch', `${platform.issuer} vs ${configUrl.href}`, {
      issuer: platform.issuer,
    });
  }
  for (const url of [
    platform.issuer,
    platform.authorization_endpoint,
    platform.token_endpoint,
    platform.jwks_uri,
    platform.registration_endpoint,
  ]) {
    checkedUrl(url, deps.allowHttp, 'registration_insecure_url');
  }

  const answer = await fetchJson(platform.registration_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(registrationToken ? { authorization: `Bearer ${registrationToken}` } : {}),
    },
    body: JSON.stringify(toolRegistration(deps.publicUrl)),
  });
  const registered = responseSchema.safeParse(answer);
  if (!registered.success)
    throw new RegistrationError(
      'registration_response_invalid',
      registered.error.issues.map((i) => i.path.join('.')).join(','),
      {},
      true,
    );

  const product = platform[PLATFORM_CONFIGURATION]?.product_family_code;
  const deploymentId = registered.data[TOOL_CONFIGURATION].deployment_id;
  const stored = await deps.registry.register({
    issuer: platform.issuer,
    clientId: registered.data.client_id,
    name: `${product ?? 'lti'} ${new URL(platform.issuer).host}`,
    authEndpoint: platform.authorization_endpoint,
    tokenEndpoint: platform.token_endpoint,
    jwksUrl: platform.jwks_uri,
    deploymentIds: [deploymentId],
    product,
    registeredBy: 'dynamic',
  });
  return { platform: stored, deploymentId, product };
}

/** A platform URL Silta may talk to: https, or http outside production. */
function checkedUrl(value: string, allowHttp: boolean, code: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RegistrationError(code, `not a URL: ${value}`, { url: value });
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    throw new RegistrationError(code, `not https: ${value}`, { url: value });
  return url;
}

/** Fetches JSON from the platform with a timeout; any failure is the platform's (502). */
async function fetchJson(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new RegistrationError(
      'registration_platform_unreachable',
      `${url}: ${(error as Error).message}`,
      { url },
      true,
    );
  }
  const text = (await response.text().catch(() => '')).slice(0, MAX_BODY_CHARS);
  if (!response.ok) {
    // Moodle answers a refusal with a bare message such as "token_already_used".
    const reason = platformMessage(text);
    throw new RegistrationError(
      'registration_rejected',
      `${url}: ${response.status} ${reason}`,
      { status: response.status, reason },
      true,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistrationError('registration_response_invalid', `${url}: not JSON`, {}, true);
  }
}

function platformMessage(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as { error_description?: unknown; error?: unknown };
    message = String(body.error_description ?? body.error ?? text);
  } catch {
    // not JSON: the text itself
  }
  return message.replace(/\s+/g, ' ').trim().slice(0, 200) || '-';
}

/** Silta's registration request (the tool's OpenID client metadata with its LTI configuration). */
export function toolRegistration(publicUrl: string, logoUri?: string): Record<string, unknown> {
  const launchUrl = `${publicUrl}/lti/launch`;
  const localized = (key: string, name: string) =>
    Object.fromEntries(LANGUAGES.map((lang) => [`${name}#${lang}`, translator(lang)(key)]));
  const en = translator('en');
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${publicUrl}/lti/login`,
    redirect_uris: [launchUrl],
    jwks_uri: `${publicUrl}/lti/keys`,
    client_name: 'Silta',
    ...localized('registration.tool.client_name', 'client_name'),
    ...(logoUri ? { logo_uri: logoUri } : {}),
    token_endpoint_auth_method: 'private_key_jwt',
    scope: [SCOPE.lineItem, SCOPE.lineItemReadonly, SCOPE.score, SCOPE.resultReadonly, SCOPE.memberships].join(' '),
    [TOOL_CONFIGURATION]: {
      domain: new URL(publicUrl).host,
      target_link_uri: launchUrl,
      description: en('registration.tool.description'),
      ...localized('registration.tool.description', 'description'),
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email', 'locale'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: launchUrl },
        {
          type: 'LtiDeepLinkingRequest',
          target_link_uri: launchUrl,
          label: en('registration.tool.deep_link_label'),
          ...localized('registration.tool.deep_link_label', 'label'),
          placements: ['ContentArea'],
        },
      ],
    },
  };
}
