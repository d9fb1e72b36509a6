/**
 * Set-up of the session benchmark on Silta (not timed), over HTTP like a browser: a facilitator
 * launched from Silta's development platform creates a session in the course, and N participant
 * launches (the learner personas repeated: many launch sessions of the same people, like many
 * open tabs) each get a realtime token for their socket.
 */
import { call, formOf, gist, locationOf, StepError } from './http-client';
import { inParallel } from './module-setup';
import type { LoadTarget } from './session-clients';
import { loginAndLaunch, untimed } from './targets';

/** The course every launch of the benchmark goes to (its first placed link). */
const COURSE = '3';
const PARTICIPANTS = ['trainee', 'developer'] as const;

/** A resource-link launch of `persona` through the development platform; returns the launch-session token. */
export async function launchToken(baseUrl: string, persona: string): Promise<string> {
  const start = await call({
    method: 'POST',
    url: `${baseUrl}/dev/platform/launch`,
    form: { persona, courseId: COURSE, locale: 'fi', messageType: 'LtiResourceLinkRequest', window: 'iframe' },
    expect: 200,
  });
  const login = formOf(start.body);
  if (!login.action || !login.fields.lti_message_hint)
    throw new StepError(`no login-initiation form: ${gist(start.body)}`);
  const page = new URL(
    (
      await loginAndLaunch(
        { user: 0, loginUrl: new URL(login.action, baseUrl).toString(), fields: login.fields, expectName: '' },
        undefined,
        untimed,
        200,
      )
    ).url,
  );
  const lt = page.searchParams.get('lt');
  if (!lt) throw new StepError(`a launch went to ${page.pathname} without a launch token`);
  return lt;
}

/** The facilitator's "new session" form (service-chain mapping); returns the session id. */
export async function createSession(baseUrl: string, lt: string): Promise<number> {
  const { response, body } = await call({
    method: 'POST',
    url: `${baseUrl}/sessions/new`,
    form: { lt, title: 'Kuormitustesti', language: 'fi', template: 'service-chain' },
    expect: 303,
  });
  const id = /^\/sessions\/(\d+)$/.exec(new URL(locationOf(response, `${baseUrl}/sessions/new`)).pathname)?.[1];
  if (!id) throw new StepError(`no session id in the redirect: ${gist(body)}`);
  return Number(id);
}

/** Silta as a load target: a new session and `clients` participant launches, each with its own token. */
export async function siltaLoadTarget(baseUrl: string, clients: number): Promise<LoadTarget> {
  const sessionId = await createSession(baseUrl, await launchToken(baseUrl, 'teacher'));
  const launches: string[] = new Array(clients);
  await inParallel(clients, 8, async (i) => {
    launches[i] = await launchToken(baseUrl, PARTICIPANTS[i % PARTICIPANTS.length]);
  });
  return {
    name: 'silta',
    url: baseUrl,
    origin: new URL(baseUrl).origin,
    sessionId,
    // Minted just before each client connects, as the session page does (tokens are short-lived).
    async token(i) {
      const { body } = await call({ method: 'GET', url: `${baseUrl}/realtime/token?lt=${launches[i]}`, expect: 200 });
      return (JSON.parse(body) as { token: string }).token;
    },
  };
}
