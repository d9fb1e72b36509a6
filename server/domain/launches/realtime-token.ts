import crypto from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { SiltaRole } from '../../../lti/roles';
import { SiltaError } from '../../errors';
import { isLanguage, type Language } from '../../i18n';
import type { Launch } from './launch.service';

/** Default lifetime of a realtime token: long enough to connect, short enough to be worthless if leaked. */
export const REALTIME_TOKEN_SECONDS = 5 * 60;

const AUDIENCE = 'silta:realtime';

/** What a realtime token says about its launch; the socket re-reads the launch itself. */
export type RealtimeClaims = {
  sessionId: string;
  userId: number;
  contextId: number;
  role: SiltaRole;
  language: Language;
};

export type MintOptions = {
  /** Lifetime in seconds (default REALTIME_TOKEN_SECONDS). */
  ttlSeconds?: number;
  /** The issue time in epoch milliseconds; tests pass a past one to mint an expired token. */
  now?: number;
};

/**
 * A key of its own, derived from SECRET_KEY, so a realtime token can never be mistaken for
 * anything else Silta signs with the same secret.
 */
function signingKey(secretKey: string): Uint8Array {
  return new Uint8Array(crypto.createHmac('sha256', secretKey).update('silta:realtime-token:v1').digest());
}

/** Mints the short-lived HS256 token a page presents in the Socket.IO handshake. */
export async function mintRealtimeToken(
  launch: Launch,
  secretKey: string,
  options: MintOptions = {},
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const exp = issuedAt + (options.ttlSeconds ?? REALTIME_TOKEN_SECONDS);
  const token = await new SignJWT({
    sid: launch.sessionId,
    ctx: launch.context.id,
    role: launch.role,
    lang: launch.language,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(launch.user.id))
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(exp)
    .sign(signingKey(secretKey));
  return { token, expiresAt: new Date(exp * 1000) };
}

/** The language an (authentic) token names, so even its rejection is in the user's language. */
function languageOf(payload: unknown): Language | undefined {
  const lang = (payload as { lang?: unknown } | undefined)?.lang;
  return isLanguage(lang) ? lang : undefined;
}

/** A rejected token: `realtime_token_expired` (with the token's language) or `realtime_token_invalid`. */
export class RealtimeTokenError extends SiltaError {
  constructor(
    code: 'realtime_token_expired' | 'realtime_token_invalid',
    detail: string,
    readonly language?: Language,
  ) {
    super(code, 'unauthorized', detail);
  }
}

/** Verifies a realtime token's signature, audience and expiry; throws RealtimeTokenError otherwise. */
export async function verifyRealtimeToken(token: unknown, secretKey: string): Promise<RealtimeClaims> {
  if (typeof token !== 'string' || token.length > 2048)
    throw new RealtimeTokenError('realtime_token_invalid', 'missing or malformed token');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, signingKey(secretKey), { algorithms: ['HS256'], audience: AUDIENCE }));
  } catch (error) {
    // jose checks the signature before the claims, so an expired token's payload is authentic.
    if (error instanceof joseErrors.JWTExpired)
      throw new RealtimeTokenError('realtime_token_expired', error.message, languageOf(error.payload));
    throw new RealtimeTokenError('realtime_token_invalid', error instanceof Error ? error.message : String(error));
  }
  const userId = Number(payload.sub);
  if (
    typeof payload.sid !== 'string' ||
    typeof payload.ctx !== 'number' ||
    typeof payload.role !== 'string' ||
    !Number.isInteger(userId)
  ) {
    throw new RealtimeTokenError('realtime_token_invalid', 'claims missing');
  }
  return {
    sessionId: payload.sid,
    userId,
    contextId: payload.ctx,
    role: payload.role as SiltaRole,
    language: languageOf(payload) ?? 'fi',
  };
}
