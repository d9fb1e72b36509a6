import type { LtijsPlatform, LtijsProvider } from 'ltijs';
import type { z } from 'zod';
import { SiltaError } from '../server/errors';
import type { PlatformRegistry } from './platforms';

/**
 * Why a platform service call failed. The codes are also locale keys (`errors.<code>`):
 * - platform_timeout, platform_unreachable, platform_unavailable (5xx, 429, 408): worth retrying;
 * - platform_conflict (409: the platform holds a newer score), platform_rejected (other 4xx),
 *   platform_token_rejected (the token endpoint refused Silta), platform_bad_response,
 *   platform_not_registered: retrying the same request will not help.
 */
export type PlatformServiceErrorCode =
  | 'platform_timeout'
  | 'platform_unreachable'
  | 'platform_unavailable'
  | 'platform_conflict'
  | 'platform_rejected'
  | 'platform_token_rejected'
  | 'platform_bad_response'
  | 'platform_not_registered';

const RETRYABLE: ReadonlySet<PlatformServiceErrorCode> = new Set([
  'platform_timeout',
  'platform_unreachable',
  'platform_unavailable',
]);

/** A failed call to a platform service (AGS, NRPS) or to its token endpoint. */
export class PlatformServiceError extends SiltaError {
  /** Whether the same request may succeed later (network trouble, 5xx, 429, 408, timeout). */
  readonly retryable: boolean;
  override readonly name = 'PlatformServiceError';

  constructor(
    code: PlatformServiceErrorCode,
    readonly info: {
      /** `token` when the access token could not be had, `service` for the call itself. */
      stage: 'token' | 'service';
      url: string;
      /** The platform's HTTP status; absent for timeouts and network errors. */
      status?: number;
      /** From the Retry-After header, in seconds. */
      retryAfterSeconds?: number;
      /** What the platform said (body reason/error, or the HTTP reason phrase). */
      platformMessage?: string;
    },
  ) {
    super(
      code,
      code === 'platform_conflict' ? 'conflict' : 'unavailable',
      [info.stage, info.status, info.url, info.platformMessage].filter((v) => v !== undefined).join(' '),
    );
    this.retryable = RETRYABLE.has(code);
  }

  get status() {
    return this.info.status;
  }
  get retryAfterSeconds() {
    return this.info.retryAfterSeconds;
  }
  get platformMessage() {
    return this.info.platformMessage;
  }
}

export type ServiceTarget = { issuer: string; clientId: string };

export type ServiceRequest = ServiceTarget & {
  /** Scopes the access token is asked for; the same set shares one cached token. */
  scopes: readonly string[];
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  accept?: string;
  contentType?: string;
  body?: unknown;
};

export type ServiceResponse<T> = { status: number; headers: Headers; body: T };

type RawResponse = { status: number; headers: Headers; text: string };

export type ServiceClientOptions = {
  registry: PlatformRegistry;
  lti: LtijsProvider;
  /** Time allowed for each HTTP exchange (token request or service call). Default 10 s. */
  timeoutMs?: number;
};

const TOKEN_MEMORY_MS = 60_000;

/** The rel="next" target of a Link header (tolerates Moodle's typographic quotes), or undefined. */
export function nextLink(header: string | null | undefined, base?: string): string | undefined {
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>(.*)$/s.exec(part.trim());
    if (match && /;\s*rel\s*=[^;,]*?\bnext\b/i.test(match[2])) return new URL(match[1], base).toString();
  }
  return undefined;
}

/** Retry-After as seconds: either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** `url` with the given query parameters set, keeping those it has (Moodle's `?type_id=1`). */
export function withQuery(url: string, params: Record<string, string | number | undefined>): string {
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) parsed.searchParams.set(key, String(value));
  return parsed.toString();
}

function messageOf(text: string, statusText: string): string | undefined {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    // Moodle answers { status, reason }, OAuth endpoints { error, error_description }.
    for (const key of ['reason', 'error_description', 'error', 'message']) {
      const value = json?.[key];
      if (typeof value === 'string' && value) return value;
    }
  } catch {
    if (text.trim() && !text.trimStart().startsWith('<')) return text.trim().slice(0, 500);
  }
  return statusText || undefined;
}

function httpError(
  stage: 'token' | 'service',
  url: string,
  status: number,
  text: string,
  statusText: string,
  retryAfter: string | null | undefined,
): PlatformServiceError {
  const code: PlatformServiceErrorCode =
    status >= 500 || status === 429 || status === 408
      ? 'platform_unavailable'
      : stage === 'token'
        ? 'platform_token_rejected'
        : status === 409
          ? 'platform_conflict'
          : 'platform_rejected';
  return new PlatformServiceError(code, {
    stage,
    url,
    status,
    retryAfterSeconds: parseRetryAfter(retryAfter),
    platformMessage: messageOf(text, statusText),
  });
}

/**
 * Calls a platform's LTI services with an OAuth2 access token (client_credentials with a signed
 * JWT assertion, done by ltijs). ltijs caches each token in its `accesstoken` table until it
 * expires; when the platform still answers 401 (it forgot or revoked the token) the cached token
 * is dropped and the call is made once more with a fresh one. Every failure is a typed
 * PlatformServiceError so a caller (the grade outbox) can tell retry from give-up.
 */
export class ServiceClient {
  readonly timeoutMs: number;
  private pendingTokens = new Map<string, Promise<string>>();
  /**
   * Tokens held in memory for a minute: ltijs keeps them in its database (encrypted), and reading
   * them there for every score was most of a score's cost when a thousand go out after an outage.
   * A token the platform stops taking meanwhile is answered 401 and fetched again.
   */
  private tokens = new Map<string, { token: string; until: number }>();

  constructor(private readonly options: ServiceClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Makes a request and validates the JSON body it returns with `schema`. */
  async json<S extends z.ZodType>(request: ServiceRequest, schema: S): Promise<ServiceResponse<z.infer<S>>> {
    const response = await this.request(request);
    const parsed = schema.safeParse(response.text ? safeJson(response.text) : undefined);
    if (!parsed.success)
      throw new PlatformServiceError('platform_bad_response', {
        stage: 'service',
        url: request.url,
        status: response.status,
        platformMessage: parsed.error.issues
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')
          .slice(0, 500),
      });
    return { status: response.status, headers: response.headers, body: parsed.data };
  }

  /** Makes a request; resolves with a 2xx answer, otherwise throws PlatformServiceError. */
  async request(request: ServiceRequest): Promise<RawResponse> {
    let token = await this.accessToken(request);
    let response = await this.send(request, token);
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      await this.forgetToken(request);
      token = await this.accessToken(request);
      response = await this.send(request, token);
    }
    const text = await this.readBody(request, response);
    if (!response.ok)
      throw httpError(
        'service',
        request.url,
        response.status,
        text,
        response.statusText,
        response.headers.get('retry-after'),
      );
    return { status: response.status, headers: response.headers, text };
  }

  private async send(request: ServiceRequest, token: string): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (request.accept) headers.Accept = request.accept;
    if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
    try {
      return await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw networkError('service', request.url, error);
    }
  }

  private async readBody(request: ServiceRequest, response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw networkError('service', request.url, error);
    }
  }

  private scopeKey(request: ServiceRequest): string {
    return [...new Set(request.scopes)].sort().join(' ');
  }

  /** One token request at a time per platform and scope set (ltijs's cache row is unique). */
  private accessToken(request: ServiceRequest): Promise<string> {
    const scopes = this.scopeKey(request);
    const key = `${request.issuer}\n${request.clientId}\n${scopes}`;
    const held = this.tokens.get(key);
    if (held && held.until > Date.now()) return Promise.resolve(held.token);
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(request, scopes)
        .then((token) => {
          this.tokens.set(key, { token, until: Date.now() + TOKEN_MEMORY_MS });
          return token;
        })
        .finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    return pending;
  }

  /**
   * ltijs's token, asked again once when storing it broke ltijs's unique cache row: another
   * instance stored its token for the same scopes at that moment, and the second ask reads it.
   * (Seen with two instances draining after an outage: without this the row was marked failed.)
   */
  private async platformToken(platform: LtijsPlatform, scopes: string) {
    try {
      return await platform.platformAccessToken(scopes);
    } catch (error) {
      if (!/^Sequelize(UniqueConstraint|Validation)Error$/.test((error as Error)?.name ?? '')) throw error;
      return platform.platformAccessToken(scopes);
    }
  }

  private async fetchToken(request: ServiceRequest, scopes: string): Promise<string> {
    let platform: LtijsPlatform;
    try {
      platform = await this.options.registry.ltijsPlatform(request.issuer, request.clientId);
    } catch (error) {
      throw new PlatformServiceError('platform_not_registered', {
        stage: 'token',
        url: request.issuer,
        platformMessage: (error as Error).message,
      });
    }
    const tokenUrl = await platform.platformAccessTokenEndpoint();
    let timer: NodeJS.Timeout | undefined;
    // ltijs's token request has no timeout of its own, so a hanging token endpoint is cut here.
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new PlatformServiceError('platform_timeout', { stage: 'token', url: tokenUrl })),
        this.timeoutMs,
      );
    });
    try {
      const token = await Promise.race([this.platformToken(platform, scopes), timeout]);
      if (!token?.access_token)
        throw new PlatformServiceError('platform_bad_response', {
          stage: 'token',
          url: tokenUrl,
          platformMessage: 'no access_token',
        });
      return token.access_token;
    } catch (error) {
      if (error instanceof PlatformServiceError) throw error;
      const got = error as {
        name?: string;
        code?: string;
        response?: {
          statusCode: number;
          statusMessage?: string;
          body?: unknown;
          headers?: Record<string, string | undefined>;
        };
      };
      if (got.response)
        throw httpError(
          'token',
          tokenUrl,
          got.response.statusCode,
          String(got.response.body ?? ''),
          got.response.statusMessage ?? '',
          got.response.headers?.['retry-after'],
        );
      if (got.code)
        throw new PlatformServiceError('platform_unreachable', {
          stage: 'token',
          url: tokenUrl,
          platformMessage: got.code,
        });
      throw new PlatformServiceError('platform_bad_response', {
        stage: 'token',
        url: tokenUrl,
        platformMessage: (error as Error).message,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets the tokens held in memory (ltijs's stored ones stay), so the next call asks the platform again. */
  forgetHeldTokens(): void {
    this.tokens.clear();
  }

  /** Drops ltijs's cached token for this platform and scope set (columns as ltijs-sequelize keeps them). */
  private async forgetToken(request: ServiceRequest): Promise<void> {
    this.tokens.delete(`${request.issuer}\n${request.clientId}\n${this.scopeKey(request)}`);
    await this.options.lti.Database.Delete('accesstoken', {
      platformUrl: request.issuer,
      clientId: request.clientId,
      scopes: this.scopeKey(request),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkError(stage: 'token' | 'service', url: string, error: unknown): PlatformServiceError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new PlatformServiceError('platform_timeout', { stage, url });
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return new PlatformServiceError('platform_unreachable', {
    stage,
    url,
    platformMessage: cause?.code ?? cause?.message ?? (error as Error)?.message,
  });
}
