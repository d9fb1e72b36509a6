import supertest from 'supertest';
import type { LaunchRequest } from '../../lti/dev-platform/dev-platform';
import type { TestSilta } from './test-app';

/** An attribute value as handlebars escaped it, back to plain text. */
const unescapeHtml = (value: string) =>
  value
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Pulls the hidden fields out of an auto-submitted form page. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[match[1]] = unescapeHtml(match[2]);
  return fields;
}

export const defaultLaunch: LaunchRequest = {
  persona: 'trainee',
  courseId: '2',
  locale: 'fi',
  messageType: 'LtiResourceLinkRequest',
};

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

/**
 * The address of the page a launch opened: where it redirected (303), or, when the launch
 * answered with the landing page itself (200), the GET address that page gives the browser.
 */
export function openedAddress(response: {
  status: number;
  headers: Record<string, string>;
  text: string;
}): string | undefined {
  if (response.status === 303) return response.headers.location;
  const address =
    response.status === 200 ? /<meta name="silta-page-address" content="([^"]+)">/.exec(response.text)?.[1] : undefined;
  return address && unescapeHtml(address);
}

/** A launch that must succeed; returns the launch-session token, the address of the page it opened, and the response. */
export async function launchSession(t: TestSilta, request: Partial<LaunchRequest> = {}, clientId?: string) {
  const response = await launch(t, request, clientId);
  const location = openedAddress(response);
  if (!location) throw new Error(`launch failed: ${response.status} ${response.text.slice(0, 500)}`);
  const lt = new URL(location, 'http://x').searchParams.get('lt')!;
  return { lt, location, response };
}
