import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { CLAIM, SCOPE } from '../lti/claims';
import { COURSES, PERSONAS, type Persona } from '../lti/dev-platform/personas';

/** What a launch opens: who, in which course and language. */
export type SimLaunch = { persona: Persona['key']; courseId: string; locale: string };

type Hint = SimLaunch & { expiresAt: number };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"'=`]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);

/**
 * A small LTI 1.3 platform that launches both tools of the launch benchmark. It behaves like
 * Silta's development platform (lti/dev-platform/dev-platform.ts): single-use message hints, an
 * exact redirect URI, id_tokens that live 60 s, posted with response_mode=form_post, with the same
 * resource-link claims (context, roles, deployment, AGS, NRPS). It runs inside the benchmark
 * process on its own port, so neither tool's server spends CPU on the platform's side, and serves
 * its JWKS (ltijs fetches it on every launch; Silta caches it).
 */
export class PlatformSim {
  readonly clientId = 'bench-client';
  readonly deploymentId = '1';
  private keys!: { privateKey: CryptoKey; publicJwk: JWK; kid: string };
  private hints = new Map<string, Hint>();
  private server: http.Server | undefined;
  /** How many times the JWKS was fetched. */
  jwksFetches = 0;
  issuer = '';

  /** @param toolUrl the tool's launch URL (ltijs's app route), also the registered redirect URI */
  constructor(readonly toolUrl: string) {}

  get authEndpoint() {
    return `${this.issuer}/auth`;
  }
  get tokenEndpoint() {
    return `${this.issuer}/token`;
  }
  get jwksUrl() {
    return `${this.issuer}/jwks`;
  }

  /** Makes the RSA key and starts listening on a free loopback port. */
  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = crypto.randomBytes(8).toString('hex');
    this.keys = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, kid };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The login-initiation parameters the platform would post to the tool, with a fresh hint. */
  startLaunch(launch: SimLaunch): Record<string, string> {
    const persona = PERSONAS.find((p) => p.key === launch.persona);
    if (!persona) throw new Error(`unknown persona ${launch.persona}`);
    const hint = crypto.randomBytes(16).toString('hex');
    this.hints.set(hint, { ...launch, expiresAt: Date.now() + 5 * 60_000 });
    return {
      iss: this.issuer,
      target_link_uri: this.toolUrl,
      login_hint: persona.sub,
      lti_message_hint: hint,
      client_id: this.clientId,
      lti_deployment_id: this.deploymentId,
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    if (url.pathname === '/jwks') {
      this.jwksFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [this.keys.publicJwk] }));
      return;
    }
    if (url.pathname === '/auth') {
      const result = await this.authorize(Object.fromEntries(url.searchParams));
      if ('error' in result) {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
        return;
      }
      const inputs = Object.entries(result.fields)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value!)}">`)
        .join('');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Continue</title></head><body><form method="post" action="${escapeHtml(result.redirectUri)}" id="auto-post">${inputs}</form></body></html>`,
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  /** The same checks as the development platform's authorize(): Moodle's `mod/lti/auth.php`. */
  private async authorize(
    params: Record<string, string>,
  ): Promise<{ error: string } | { redirectUri: string; fields: { id_token: string; state?: string } }> {
    if (params.scope !== 'openid') return { error: 'invalid_scope' };
    if (params.response_type !== 'id_token') return { error: 'unsupported_response_type' };
    if (params.response_mode !== 'form_post') return { error: 'invalid_request' };
    if (params.client_id !== this.clientId) return { error: 'unauthorized_client' };
    if (params.redirect_uri !== this.toolUrl) return { error: 'invalid_request' };
    if (!params.nonce) return { error: 'invalid_request' };
    const hint = this.hints.get(params.lti_message_hint ?? '');
    this.hints.delete(params.lti_message_hint ?? '');
    if (!hint || hint.expiresAt < Date.now()) return { error: 'invalid_request' };
    const persona = PERSONAS.find((p) => p.key === hint.persona)!;
    if (params.login_hint !== persona.sub) return { error: 'access_denied' };
    return {
      redirectUri: this.toolUrl,
      fields: { id_token: await this.idToken(hint, persona, params.nonce), state: params.state },
    };
  }

  /** A resource link launch with the claim shapes of the development platform's idToken(). */
  private async idToken(hint: Hint, persona: Persona, nonce: string): Promise<string> {
    const course = COURSES.find((c) => c.id === hint.courseId) ?? COURSES[0];
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      nonce,
      iat: now,
      exp: now + 60,
      iss: this.issuer,
      aud: this.clientId,
      sub: persona.sub,
      given_name: persona.givenName,
      family_name: persona.familyName,
      name: `${persona.givenName} ${persona.familyName}`,
      email: persona.email,
      locale: hint.locale,
      [CLAIM.deploymentId]: this.deploymentId,
      [CLAIM.targetLinkUri]: this.toolUrl,
      [CLAIM.version]: '1.3.0',
      [CLAIM.messageType]: 'LtiResourceLinkRequest',
      [CLAIM.roles]: persona.roles,
      [CLAIM.context]: { id: course.id, label: course.label, title: course.title, type: ['CourseSection'] },
      [CLAIM.toolPlatform]: {
        product_family_code: 'moodle',
        version: '2024100700',
        guid: new URL(this.issuer).host,
        name: 'Bench platform',
        description: 'Benchmark platform simulator',
      },
      [CLAIM.launchPresentation]: {
        locale: hint.locale,
        document_target: 'iframe',
        return_url: `${this.issuer}/?course=${course.id}`,
      },
      [CLAIM.lis]: { person_sourcedid: '', course_section_sourcedid: '' },
      [CLAIM.resourceLink]: { id: course.id === '2' ? '1' : '2', title: 'Silta', description: '' },
      [CLAIM.custom]: {},
      [CLAIM.ags]: {
        scope: [SCOPE.lineItem, SCOPE.lineItemReadonly, SCOPE.resultReadonly, SCOPE.score],
        lineitems: `${this.issuer}/api/contexts/${course.id}/lineitems?type_id=1`,
      },
      [CLAIM.nrps]: {
        context_memberships_url: `${this.issuer}/api/contexts/${course.id}/memberships`,
        service_versions: ['1.0', '2.0'],
      },
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keys.kid })
      .sign(this.keys.privateKey);
  }
}
