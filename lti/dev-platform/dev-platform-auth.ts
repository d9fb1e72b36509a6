import crypto from 'node:crypto';
import { decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { SCOPE } from '../claims';

/** What the simulator answers instead of serving the next service calls. */
export type SimulatedFailure = {
  /** HTTP status to answer (e.g. 500, 503, 429); ignored when `hang` is set. */
  status?: number;
  /** Seconds for the Retry-After header. */
  retryAfter?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** How many calls fail; default 1. */
  times?: number;
  /** Which endpoint fails: the AGS/NRPS services (default) or the token endpoint. */
  target?: 'services' | 'token';
};

type PendingFailure = Required<Pick<SimulatedFailure, 'target'>> &
  Omit<SimulatedFailure, 'target' | 'times'> & { remaining: number };

type IssuedToken = { clientId: string; scopes: string[]; expiresAt: number };

export type TokenAnswer = { status: number; body: Record<string, unknown> };

/** The services Moodle lets a tool use when "grade sync and column management" and NRPS are on. */
const PERMITTED_SCOPES: readonly string[] = [
  SCOPE.lineItem,
  SCOPE.lineItemReadonly,
  SCOPE.resultReadonly,
  SCOPE.score,
  SCOPE.memberships,
];
const TOKEN_LIFE_SECONDS = 3600;

/**
 * The development platform's OAuth2 side, like Moodle's `mod/lti/token.php`: client_credentials
 * with a JWT assertion signed by the tool, tokens that live an hour and carry the granted scopes.
 * Tests can expire every token, count token requests and make the next calls fail.
 */
export class DevPlatformAuth {
  private tokens = new Map<string, IssuedToken>();
  private failures: PendingFailure[] = [];
  /** Requests that reached the token endpoint. */
  tokenRequests = 0;
  /** Service calls refused for a missing, unknown, expired or under-scoped token. */
  rejectedTokens = 0;
  /** Milliseconds every service call waits before it is answered (tests and bench:grades: a slow platform). */
  latencyMs = 0;

  constructor(
    private readonly platform: {
      tokenEndpoint: string;
      toolKeySet(): JWTVerifyGetKey;
      client(clientId: string): unknown;
    },
  ) {}

  /** Answers a token request (the form fields as posted). */
  async issueToken(form: Record<string, unknown>): Promise<TokenAnswer> {
    this.tokenRequests++;
    const get = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const assertion = get('client_assertion');
    if (!assertion || !get('client_assertion_type') || !get('grant_type') || !get('scope'))
      return { status: 400, body: { error: 'invalid_request' } };
    if (
      get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      get('grant_type') !== 'client_credentials'
    )
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    let clientId: string;
    try {
      // Like Moodle: the tool is found by the assertion's sub, then its signature is checked.
      clientId = String(decodeJwt(assertion).sub ?? '');
      if (!clientId || !this.platform.client(clientId)) throw new Error('unknown client');
      await jwtVerify(assertion, this.platform.toolKeySet(), {
        issuer: clientId,
        subject: clientId,
        audience: this.platform.tokenEndpoint,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      });
    } catch {
      // Moodle answers 400 for every token error; invalid_client is 401 here, as RFC 6749 allows.
      return { status: 401, body: { error: 'invalid_client' } };
    }
    const scopes = get('scope')
      .split(' ')
      .filter((s) => PERMITTED_SCOPES.includes(s));
    if (!scopes.length) return { status: 400, body: { error: 'invalid_scope' } };
    const token = crypto.randomBytes(24).toString('hex');
    this.tokens.set(token, {
      clientId,
      scopes: [...new Set(scopes)],
      expiresAt: Date.now() + TOKEN_LIFE_SECONDS * 1000,
    });
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: TOKEN_LIFE_SECONDS,
        scope: [...new Set(scopes)].join(' '),
      },
    };
  }

  /** Whether an Authorization header carries a live token with one of the scopes. */
  allows(authorization: string | undefined, anyOf: readonly string[]): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match && this.tokens.get(match[1]);
    const ok = !!token && token.expiresAt > Date.now() && token.scopes.some((s) => anyOf.includes(s));
    if (!ok) this.rejectedTokens++;
    return ok;
  }

  /** Makes every issued token expired, as if the platform had forgotten them. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Makes the next `times` calls (services or token endpoint) fail as described. */
  failNext(failure: SimulatedFailure): void {
    const { times = 1, target = 'services', ...rest } = failure;
    this.failures.push({ ...rest, target, remaining: times });
  }

  /** Forgets the simulated failures not used yet. */
  clearFailures(): void {
    this.failures = [];
  }

  /** The failure to simulate for this call, if one is pending. */
  takeFailure(target: 'services' | 'token'): PendingFailure | undefined {
    const failure = this.failures.find((f) => f.target === target);
    if (!failure) return undefined;
    if (--failure.remaining <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
    return failure;
  }
}
