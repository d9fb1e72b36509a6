/**
 * Set-up of the session benchmark on Silta (not timed), over HTTP like a browser: a facilitator
 * launched into the course (from the platform Silta was started with) creates a session in it, and N participant
 * launches (the learner personas repeated: many launch sessions of the same people, like many
 * open tabs) each get a realtime token for their socket.
 */
import { call, gist, locationOf, StepError } from './http-client';
import { inParallel } from './module-setup';
import type { LoadTarget } from './session-clients';
import type { StartedSilta } from './tools';

/** The course every launch of the benchmark goes to (its first placed link). */
export const COURSE = '3';
const PARTICIPANTS = ['trainee', 'developer'] as const;

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
export async function siltaLoadTarget(silta: StartedSilta, clients: number): Promise<LoadTarget> {
  const { baseUrl } = silta;
  const sessionId = await createSession(baseUrl, await silta.launchToken('teacher', COURSE));
  const launches: string[] = new Array(clients);
  await inParallel(clients, 8, async (i) => {
    launches[i] = await silta.launchToken(PARTICIPANTS[i % PARTICIPANTS.length], COURSE);
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
