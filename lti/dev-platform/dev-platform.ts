import crypto from 'node:crypto';
import {
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { CLAIM, SCOPE } from '../claims';
import type { PlatformRegistry } from '../platforms';
import { COURSES, PERSONAS, type Course, type Persona } from './personas';
import { DevPlatformAuth, type SimulatedFailure } from './dev-platform-auth';
import { DevPlatformGradebook } from './dev-platform-gradebook';

export type LaunchRequest = {
  persona: Persona['key'];
  courseId: string;
  locale: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  /** For resource link launches: the placed link to open. */
  resourceLinkId?: string;
  region?: string;
};

export type PlacedLink = {
  id: string;
  courseId: string;
  title: string;
  custom: Record<string, string>;
  lineItemId?: string;
};

type Hint = LaunchRequest & { expiresAt: number; clientId: string };

/** A tool registered with the simulator (the default one, or one added by dynamic registration). */
export type DevClient = { clientId: string; deploymentId: string; redirectUris: string[] };

/** A gradebook column, as Moodle's AGS keeps it. */
export type LineItem = {
  id: string;
  courseId: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
};

/** Claims a test can change to produce a bad id_token (forged, expired, wrong audience...). */
export type TokenTamper = (claims: Record<string, unknown>, header: { kid: string }) => void;

/**
 * An LTI 1.3 platform simulator that behaves like Moodle 4.x: message hints are single-use, the
 * redirect URI must match the registered one exactly, the id_token lives 60 s and is posted with
 * response_mode=form_post. Silta registers it on first start outside production.
 */
/** What the grade service does with a score post. */
export const SCORE_FAILURES = ['none', 'refuse', '500', '429'] as const;
export type ScoreFailure = (typeof SCORE_FAILURES)[number];

export class DevPlatform {
  readonly clientId = 'silta-dev-client';
  readonly deploymentId = '1';
  readonly name = 'Silta development platform (Moodle simulator)';
  private keys!: { privateKey: CryptoKey; publicJwk: JWK; kid: string };
  private hints = new Map<string, Hint>();
  readonly links = new Map<string, PlacedLink>();
  private linkSeq = 1;
  readonly lineItems = new Map<string, LineItem>();
  private lineItemSeq = 1;
  private toolKeys: JWTVerifyGetKey | undefined;
  /** Tests set this to tamper with the next id_token. */
  tamper: TokenTamper | undefined;
  /** OAuth2 token endpoint and service access checks (AGS, NRPS). */
  readonly auth = new DevPlatformAuth(this);
  /** AGS line items' scores and results. */
  readonly gradebook = new DevPlatformGradebook(this);
  /** Tools added by dynamic registration, besides the default client. */
  private readonly clients = new Map<string, DevClient>();
  private clientSeq = 1;
  /** Single-use registration tokens and their expiry (Moodle's last an hour). */
  private readonly registrationTokens = new Map<string, number>();

  constructor(
    readonly issuer: string,
    readonly toolUrl: string,
  ) {
    for (const course of COURSES) {
      this.placeLink({ courseId: course.id, title: 'Silta', custom: {} });
    }
  }

  get authEndpoint() {
    return `${this.issuer}/auth`;
  }
  get tokenEndpoint() {
    return `${this.issuer}/token`;
  }
  get jwksUrl() {
    return `${this.issuer}/jwks`;
  }
  get redirectUri() {
    return `${this.toolUrl}/lti/launch`;
  }
  get loginUrl() {
    return `${this.toolUrl}/lti/login`;
  }

  async init(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = crypto.randomBytes(8).toString('hex');
    this.keys = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, kid };
  }

  /** Registers the simulator with Silta (idempotent). */
  async register(registry: PlatformRegistry): Promise<void> {
    const existing = await registry.find(this.issuer, this.clientId);
    if (existing && existing.authEndpoint === this.authEndpoint) return;
    await registry.register({
      issuer: this.issuer,
      clientId: this.clientId,
      name: this.name,
      authEndpoint: this.authEndpoint,
      tokenEndpoint: this.tokenEndpoint,
      jwksUrl: this.jwksUrl,
      deploymentIds: [this.deploymentId],
      product: 'moodle',
      registeredBy: 'dev',
    });
  }

  /** How often the JWKS was served; tests check that Silta caches the platform's keys. */
  jwksFetches = 0;

  jwks(): { keys: JWK[] } {
    this.jwksFetches++;
    return { keys: [this.keys.publicJwk] };
  }

  /** The simulator's courses. */
  courses(): readonly Course[] {
    return COURSES;
  }

  course(id: string): Course | undefined {
    return COURSES.find((c) => c.id === id);
  }

  persona(key: string): Persona | undefined {
    return PERSONAS.find((p) => p.key === key);
  }

  placeLink(link: Omit<PlacedLink, 'id'>): PlacedLink {
    const placed = { ...link, id: String(this.linkSeq++) };
    this.links.set(placed.id, placed);
    return placed;
  }

  /** Places a graded activity: the link and its gradebook column (labelled with the link's title unless given). */
  placeGradedLink(
    link: Omit<PlacedLink, 'id' | 'lineItemId'>,
    column: Partial<Pick<LineItem, 'label' | 'resourceId' | 'tag'>> & { scoreMaximum: number },
  ): PlacedLink {
    const placed = this.placeLink(link);
    placed.lineItemId = this.addLineItem({
      ...column,
      courseId: link.courseId,
      label: column.label ?? link.title,
      resourceLinkId: placed.id,
    }).id;
    return placed;
  }

  addLineItem(item: Omit<LineItem, 'id'>): LineItem {
    const created = { ...item, id: String(this.lineItemSeq++) };
    this.lineItems.set(created.id, created);
    return created;
  }

  /** Test hook: every access token issued so far stops working (the next service call gets 401). */
  expireAccessTokens(): void {
    this.auth.expireAccessTokens();
  }

  /** Test hook: the next service calls answer an error, a 429 with Retry-After, or never. */
  /**
   * The grade service's failure switch (its page): score posts are refused (400), answered 500,
   * or 429 with Retry-After, until switched back to `none`; for trying "send again" by hand.
   */
  scoreFailure: ScoreFailure = 'none';

  failNext(failure: SimulatedFailure): void {
    this.auth.failNext(failure);
  }

  /** Requests that reached the token endpoint. */
  get tokenRequests(): number {
    return this.auth.tokenRequests;
  }

  /** Silta's JWKS, fetched when a tool-signed JWT arrives (deep-linking responses, token requests). */
  toolKeySet(): JWTVerifyGetKey {
    this.toolKeys ??= createRemoteJWKSet(new URL(`${this.toolUrl}/lti/keys`), { cooldownDuration: 0 });
    return this.toolKeys;
  }

  /**
   * Accepts an LtiDeepLinkingResponse the way Moodle does: verifies it against the tool's JWKS,
   * then adds each LtiResourceLink to the course, creating a line item for those that ask.
   */
  async acceptDeepLinkingResponse(jwt: string, courseId: string): Promise<PlacedLink[]> {
    if (!this.course(courseId)) throw new Error('unknown course');
    const { payload } = await jwtVerify(jwt, this.toolKeySet(), {
      issuer: this.clientId,
      audience: this.issuer,
      algorithms: ['RS256'],
      maxTokenAge: '5m',
    });
    if (payload[CLAIM.messageType] !== 'LtiDeepLinkingResponse') throw new Error('not a deep-linking response');
    if (payload[CLAIM.deploymentId] !== this.deploymentId) throw new Error('wrong deployment');
    if (payload[CLAIM.version] !== '1.3.0') throw new Error('wrong LTI version');
    const items = (payload[CLAIM.deepLinkingContentItems] ?? []) as {
      type: string;
      title?: string;
      custom?: Record<string, string>;
      lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string };
    }[];
    const placed: PlacedLink[] = [];
    for (const item of items.filter((i) => i.type === 'ltiResourceLink')) {
      const link = { courseId, title: item.title ?? 'Silta', custom: item.custom ?? {} };
      placed.push(item.lineItem ? this.placeGradedLink(link, item.lineItem) : this.placeLink(link));
    }
    return placed;
  }

  linksOf(courseId: string): PlacedLink[] {
    return [...this.links.values()].filter((l) => l.courseId === courseId);
  }

  /** The default client or one added by dynamic registration. */
  client(clientId: string): DevClient | undefined {
    if (clientId === this.clientId)
      return { clientId, deploymentId: this.deploymentId, redirectUris: [this.redirectUri] };
    return this.clients.get(clientId);
  }

  /** A registration token, as Moodle's "Register tool via URL" hands one to the tool. */
  issueRegistrationToken(ttlMs = 3600_000): string {
    const token = crypto.randomBytes(24).toString('base64url');
    this.registrationTokens.set(token, Date.now() + ttlMs);
    return token;
  }

  /** Takes a registration token; false when unknown, expired or already used. */
  consumeRegistrationToken(token: string): boolean {
    const expiresAt = this.registrationTokens.get(token);
    this.registrationTokens.delete(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  /** Adds a tool with a fresh client id and its own deployment, as Moodle adds a pending tool type. */
  addClient(redirectUris: string[]): DevClient {
    const client = {
      clientId: crypto.randomBytes(8).toString('base64url'),
      deploymentId: String(100 + this.clientSeq++),
      redirectUris,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  /** Tools added by dynamic registration, oldest first. */
  registeredClients(): DevClient[] {
    return [...this.clients.values()];
  }

  /**
   * Starts a launch: returns the login initiation parameters Moodle would send to the tool, with
   * a single-use message hint that remembers what to launch.
   */
  startLaunch(request: LaunchRequest, clientId: string = this.clientId): Record<string, string> {
    const persona = this.persona(request.persona);
    if (!persona || !this.course(request.courseId)) throw new Error('unknown persona or course');
    const client = this.client(clientId);
    if (!client) throw new Error('unknown client');
    const hint = crypto.randomBytes(16).toString('hex');
    this.hints.set(hint, { ...request, clientId, expiresAt: Date.now() + 5 * 60_000 });
    return {
      iss: this.issuer,
      target_link_uri: request.messageType === 'LtiDeepLinkingRequest' ? this.redirectUri : this.redirectUri,
      login_hint: persona.sub,
      lti_message_hint: hint,
      client_id: client.clientId,
      lti_deployment_id: client.deploymentId,
    };
  }

  /**
   * The authorisation endpoint, as strict as Moodle's `mod/lti/auth.php`. Returns the form
   * fields to post to the redirect URI, or an OAuth error code.
   */
  async authorize(
    params: Record<string, unknown>,
  ): Promise<{ error: string } | { redirectUri: string; fields: { id_token: string; state?: string } }> {
    const get = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : undefined);
    if (get('scope') !== 'openid') return { error: 'invalid_scope' };
    if (get('response_type') !== 'id_token') return { error: 'unsupported_response_type' };
    if (get('response_mode') !== 'form_post') return { error: 'invalid_request' };
    const client = this.client(get('client_id') ?? '');
    if (!client) return { error: 'unauthorized_client' };
    const redirectUri = get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri)) return { error: 'invalid_request' };
    if (!get('nonce')) return { error: 'invalid_request' };
    const hintKey = get('lti_message_hint') ?? '';
    const hint = this.hints.get(hintKey);
    this.hints.delete(hintKey);
    if (!hint || hint.expiresAt < Date.now()) return { error: 'invalid_request' };
    if (hint.clientId !== client.clientId) return { error: 'unauthorized_client' };
    const persona = this.persona(hint.persona)!;
    if (get('login_hint') !== persona.sub) return { error: 'access_denied' };
    const idToken = await this.idToken(hint, persona, get('nonce')!);
    return { redirectUri, fields: { id_token: idToken, state: get('state') } };
  }

  private async idToken(hint: Hint, persona: Persona, nonce: string): Promise<string> {
    const course = this.course(hint.courseId)!;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      nonce,
      iat: now,
      exp: now + 60,
      iss: this.issuer,
      aud: hint.clientId,
      sub: persona.sub,
      given_name: persona.givenName,
      family_name: persona.familyName,
      name: `${persona.givenName} ${persona.familyName}`,
      email: persona.email,
      locale: hint.locale,
      [CLAIM.deploymentId]: this.client(hint.clientId)!.deploymentId,
      [CLAIM.targetLinkUri]: this.redirectUri,
      [CLAIM.version]: '1.3.0',
      [CLAIM.messageType]: hint.messageType,
      [CLAIM.roles]: persona.roles,
      [CLAIM.context]: { id: course.id, label: course.label, title: course.title, type: ['CourseSection'] },
      [CLAIM.toolPlatform]: {
        product_family_code: 'moodle',
        version: '2024100700',
        guid: new URL(this.issuer).host,
        name: 'Silta dev',
        description: this.name,
      },
      [CLAIM.launchPresentation]: {
        locale: hint.locale,
        document_target: 'iframe',
        return_url: `${this.issuer}/?course=${course.id}`,
      },
      'https://purl.imsglobal.org/spec/lti/claim/lis': { person_sourcedid: '', course_section_sourcedid: '' },
    };
    if (hint.messageType === 'LtiResourceLinkRequest') {
      const link = (hint.resourceLinkId && this.links.get(hint.resourceLinkId)) || this.linksOf(course.id)[0];
      claims[CLAIM.resourceLink] = { id: link.id, title: link.title, description: '' };
      claims[CLAIM.custom] = { ...link.custom, ...(hint.region ? { region: hint.region } : {}) };
      claims[CLAIM.ags] = {
        scope: [SCOPE.lineItem, SCOPE.lineItemReadonly, SCOPE.resultReadonly, SCOPE.score],
        lineitems: `${this.issuer}/api/contexts/${course.id}/lineitems?type_id=1`,
        ...(link.lineItemId
          ? { lineitem: `${this.issuer}/api/contexts/${course.id}/lineitems/${link.lineItemId}/lineitem?type_id=1` }
          : {}),
      };
      claims[CLAIM.nrps] = {
        context_memberships_url: `${this.issuer}/api/contexts/${course.id}/memberships`,
        service_versions: ['1.0', '2.0'],
      };
    } else {
      claims[CLAIM.deepLinkingSettings] = {
        deep_link_return_url: `${this.issuer}/deep-link-return?course=${course.id}`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['frame', 'iframe', 'window'],
        accept_copy_advice: false,
        accept_multiple: true,
        accept_unsigned: false,
        auto_create: false,
        can_confirm: false,
        accept_lineitem: true,
        title: '',
        text: '',
        data: `course-${course.id}`,
      };
      if (hint.region) claims[CLAIM.custom] = { region: hint.region };
    }
    const header = { kid: this.keys.kid };
    this.tamper?.(claims, header);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: header.kid })
      .sign(this.keys.privateKey);
  }
}
