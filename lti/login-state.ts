import crypto from 'node:crypto';
import { LtiError } from '../server/errors';

/** How long a login may take between Silta's redirect and the platform's id_token POST. */
export const LOGIN_STATE_TTL_MS = 5 * 60_000;

/** What a login state carries: the platform registration and the nonce the id_token must echo. */
export type LoginState = { issuer: string; clientId: string; nonce: string };

/** A key of its own, derived from SECRET_KEY, so a state can never pass for anything else Silta signs. */
export function loginStateKey(secretKey: string): Buffer {
  return crypto.createHmac('sha256', secretKey).update('silta:login-state:v1').digest();
}

const mac = (key: Buffer, payload: string) => crypto.createHmac('sha256', key).update(payload).digest('base64url');

/**
 * The OIDC `state`: the login's platform, nonce and expiry, signed (HMAC-SHA256). Nothing is
 * written at login; the launch checks the signature and expiry, and the nonce is recorded once
 * with the launch session, which makes the pair single-use (docs/decisions/0002).
 */
export function signLoginState(login: LoginState, key: Buffer, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ i: login.issuer, c: login.clientId, n: login.nonce, e: now + LOGIN_STATE_TTL_MS }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** Reads a state Silta signed; a forged, altered or expired one is `lti_state_mismatch`. */
export function readLoginState(state: string, key: Buffer, now = Date.now()): LoginState {
  const [payload, signature, extra] = state.split('.');
  const expected = payload ? mac(key, payload) : '';
  if (
    extra !== undefined ||
    !signature ||
    signature.length !== expected.length ||
    !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  ) {
    throw new LtiError('lti_state_mismatch', 'not a state Silta signed');
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    i: string;
    c: string;
    n: string;
    e: number;
  };
  if (claims.e < now) throw new LtiError('lti_state_mismatch', 'expired');
  return { issuer: claims.i, clientId: claims.c, nonce: claims.n };
}
