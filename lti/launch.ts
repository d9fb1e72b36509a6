import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { LtiError } from '../server/errors';
import type { JwksCache } from './jwks-cache';
import { toLaunchContext, type LaunchContext } from './launch-context';
import { readLoginState } from './login-state';
import type { PlatformRegistry } from './platforms';

export type LaunchDeps = {
  registry: PlatformRegistry;
  /** The key login states are signed with (loginStateKey). */
  stateKey: Buffer;
  jwks: JwksCache;
  clockSkewSeconds: number;
  idTokenMaxAgeSeconds: number;
};

const launchBodySchema = z.object({ id_token: z.string().min(1).max(64_000), state: z.string().min(1).max(2048) });

/**
 * Validates the platform's id_token POST and returns the launch context. Checks, in order: the
 * signed state (its nonce and platform, set at login), the signature against the
 * platform's cached JWKS, iss, aud, azp, exp, iat, nbf, the nonce, the LTI version and message
 * type, a registered deployment, and the claims the message type requires.
 */
export async function validateLaunch(deps: LaunchDeps, body: unknown): Promise<LaunchContext> {
  const parsed = launchBodySchema.safeParse(body);
  if (!parsed.success)
    throw new LtiError(
      'lti_launch_parameters',
      parsed.error.issues.map((i) => i.path.join('.')).join(','),
      'bad_request',
    );
  const { id_token: idToken, state } = parsed.data;

  const login = readLoginState(state, deps.stateKey);

  let header;
  let unverified;
  try {
    header = decodeProtectedHeader(idToken);
    unverified = decodeJwt(idToken);
  } catch {
    throw new LtiError('lti_invalid_token', 'not a JWT');
  }
  if (unverified.iss !== login.issuer) throw new LtiError('lti_wrong_issuer', `${unverified.iss} != ${login.issuer}`);
  if (header.alg !== 'RS256') throw new LtiError('lti_invalid_token', `alg ${header.alg}`);
  if (!header.kid) throw new LtiError('lti_unknown_key', 'no kid');

  const platform = await deps.registry.find(login.issuer, login.clientId);
  if (!platform) throw new LtiError('lti_unregistered_platform', login.issuer);

  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(idToken, deps.jwks.keySet(platform.jwksUrl), {
      issuer: platform.issuer,
      audience: platform.clientId,
      algorithms: ['RS256'],
      clockTolerance: deps.clockSkewSeconds,
      maxTokenAge: deps.idTokenMaxAgeSeconds + deps.clockSkewSeconds,
      requiredClaims: ['exp', 'iat', 'nonce'],
    });
    payload = verified.payload as Record<string, unknown>;
  } catch (error) {
    throw mapJoseError(error);
  }

  const aud = payload.aud;
  if (Array.isArray(aud) && aud.length > 1 && payload.azp === undefined)
    throw new LtiError('lti_wrong_azp', 'several audiences and no azp');
  if (payload.azp !== undefined && payload.azp !== platform.clientId)
    throw new LtiError('lti_wrong_azp', String(payload.azp));
  if (payload.nonce !== login.nonce) throw new LtiError('lti_nonce_mismatch');

  const context = toLaunchContext(payload, platform, login.nonce);
  if (!(await deps.registry.hasDeployment(platform.issuer, platform.clientId, context.platform.deploymentId))) {
    throw new LtiError('lti_unknown_deployment', context.platform.deploymentId);
  }
  return context;
}

function mapJoseError(error: unknown): LtiError {
  if (error instanceof joseErrors.JWTExpired) return new LtiError('lti_token_expired', error.message);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new LtiError('lti_wrong_issuer', error.message);
    if (error.claim === 'aud') return new LtiError('lti_wrong_audience', error.message);
    // A too old iat is a JWTExpired (above); a failed iat/nbf check here is a time in the future.
    if ((error.claim === 'nbf' || error.claim === 'iat') && error.reason === 'check_failed')
      return new LtiError('lti_token_not_yet_valid', error.message);
    return new LtiError('lti_missing_claim', error.message);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new LtiError('lti_unknown_key', error.message);
  // The platform's JWKS could not be had: a timeout, a network error (fetch's TypeError), a non-200
  // answer or an unparseable or malformed key set (jose's generic error). The platform is at
  // fault, not the launch: 503 so the user tries again.
  const keysUnavailable =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
    (error instanceof TypeError && /fetch/i.test(error.message));
  if (keysUnavailable) return new LtiError('lti_platform_keys_unavailable', error.message, 'unavailable');
  return new LtiError('lti_invalid_token', error instanceof Error ? error.message : String(error));
}

/**
 * Where to send a user whose launch failed so they can try again outside the iframe: the
 * platform's return URL from the (unverified) id_token, but only when it points at a registered
 * platform's origin, so a forged token cannot turn Silta's error page into an open redirect.
 */
export async function relaunchUrl(registry: PlatformRegistry, body: unknown): Promise<string | undefined> {
  const idToken = (body as { id_token?: unknown } | undefined)?.id_token;
  if (typeof idToken !== 'string' || idToken.length > 64_000) return undefined;
  try {
    const claims = decodeJwt(idToken);
    const presentation = claims['https://purl.imsglobal.org/spec/lti/claim/launch_presentation'] as
      { return_url?: unknown } | undefined;
    const url = typeof presentation?.return_url === 'string' ? new URL(presentation.return_url) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol)) return undefined;
    return (await registry.allowedOrigins()).includes(url.origin) ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
