/**
 * Launches that end on a Silta page, for benchmarks that then use the page's launch token (the
 * session benchmarks): from Silta's development platform, or from the platform simulator
 * registered as an admin would register Moodle.
 */
import type { Persona } from '../lti/dev-platform/personas';
import { call, formOf, gist, StepError } from './http-client';
import type { PlatformSim } from './platform-sim';
import { loginAndLaunch, untimed } from './targets';

/** The launch token of the page a launch opened. */
function launchTokenOf(url: string): string {
  const page = new URL(url);
  const lt = page.searchParams.get('lt');
  if (!lt) throw new StepError(`a launch went to ${page.pathname} without a launch token`);
  return lt;
}

/** A resource-link launch of `persona` through Silta's development platform; returns the launch token. */
export async function devPlatformLaunchToken(
  baseUrl: string,
  persona: Persona['key'],
  courseId: string,
): Promise<string> {
  const start = await call({
    method: 'POST',
    url: `${baseUrl}/dev/platform/launch`,
    form: { persona, courseId, locale: 'fi', messageType: 'LtiResourceLinkRequest', window: 'iframe' },
    expect: 200,
  });
  const login = formOf(start.body);
  if (!login.action || !login.fields.lti_message_hint)
    throw new StepError(`no login-initiation form: ${gist(start.body)}`);
  const loginUrl = new URL(login.action, baseUrl).toString();
  const opened = await loginAndLaunch(
    { user: 0, loginUrl, fields: login.fields, expectName: '' },
    undefined,
    untimed,
    200,
  );
  return launchTokenOf(opened.url);
}

/** A resource-link launch of `persona` from the platform simulator; returns the launch token. */
export async function simLaunchToken(
  sim: PlatformSim,
  loginUrl: string,
  persona: Persona['key'],
  courseId: string,
): Promise<string> {
  const fields = sim.startLaunch({ persona, courseId, locale: 'fi' });
  const opened = await loginAndLaunch({ user: 0, loginUrl, fields, expectName: '' }, undefined, untimed, 200);
  return launchTokenOf(opened.url);
}
