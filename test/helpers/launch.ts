import supertest from 'supertest';
import type { LaunchRequest } from '../../lti/dev-platform/dev-platform';
import type { TestSilta } from './test-app';

/** Pulls the hidden fields out of an auto-submitted form page. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1]] = match[2].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return fields;
}

export const defaultLaunch: LaunchRequest = { persona: 'trainee', courseId: '2', locale: 'fi', messageType: 'LtiResourceLinkRequest' };

/**
 * Runs the OIDC login through Silta and the development platform, over real HTTP, and returns
 * the id_token and state the platform would post to Silta's launch URL. `clientId` picks a tool
 * registered with the platform other than the default one.
 */
export async function loginAndAuthorize(t: TestSilta, request: Partial<LaunchRequest> = {}, clientId?: string) {
  const login = t.devPlatform.startLaunch({ ...defaultLaunch, ...request }, clientId);
  const loginResponse = await t.request().post('/lti/login').type('form').send(login).expect(302);
  const authUrl = new URL(loginResponse.headers.location);
  const platform = supertest(t.server);
  const auth = await platform.get(authUrl.pathname + authUrl.search).expect(200);
  const fields = formFields(auth.text);
  return { idToken: fields.id_token, state: fields.state, authUrl };
}

/** A full launch: login initiation, authorisation, id_token POST. Returns the launch response. */
export async function launch(t: TestSilta, request: Partial<LaunchRequest> = {}, clientId?: string) {
  const { idToken, state } = await loginAndAuthorize(t, request, clientId);
  return t.request().post('/lti/launch').type('form').send({ id_token: idToken, state });
}

/** A launch that must succeed; returns the launch-session token and the landing URL. */
export async function launchSession(t: TestSilta, request: Partial<LaunchRequest> = {}, clientId?: string) {
  const response = await launch(t, request, clientId);
  if (response.status !== 303) throw new Error(`launch failed: ${response.status} ${response.text.slice(0, 500)}`);
  const location = response.headers.location as string;
  const lt = new URL(location, 'http://x').searchParams.get('lt')!;
  return { lt, location };
}
