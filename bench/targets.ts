import { COURSES, PERSONAS } from '../lti/dev-platform/personas';
import { call, CookieJar, formOf, gist, locationOf, StepError } from './http-client';
import type { PlatformSim } from './platform-sim';

/** A launch ready to start: the login-initiation form a platform page would auto-submit. */
export type Prepared = { user: number; loginUrl: string; fields: Record<string, string>; expectName: string };

/** Records how long one step of a launch took. */
export type StepTimer = <T>(step: string, work: () => Promise<T>) => Promise<T>;

/** One tool under test: how to prepare a launch (set-up, not timed) and how to run one. */
export type Target = {
  name: string;
  prepare(index: number, users: number): Promise<Prepared>;
  launch(prepared: Prepared, jar: CookieJar, time: StepTimer): Promise<void>;
};

/**
 * Who launch number i is, with `users` virtual users: launch i belongs to virtual user
 * i % users, who is always the same persona (a person in one browser) and alternates between
 * the two courses. The same mix for both tools.
 */
export function who(index: number, users: number) {
  const user = index % users;
  return { persona: PERSONAS[user % PERSONAS.length], course: COURSES[Math.floor(index / users) % COURSES.length] };
}

/** A step timer that only runs the step (set-up, untimed launches). */
export const untimed: StepTimer = (_step, work) => work();

/** What a launch opened: the page's address, and its HTML when the launch answered with the page itself. */
export type Opened = { url: string; body?: string };

/**
 * The LTI part of a launch, the same for every tool: login initiation (→ 302) → the platform's
 * auth endpoint (an auto-posting id_token form) → the id_token POST to the tool, which must
 * answer `launchStatus`: a redirect to the first page (ltijs 302; Silta 303 for a link placed as
 * a module, board or session), or the first page itself (Silta's landing page, 200, which names
 * its own GET address in a meta tag).
 */
export async function loginAndLaunch(
  prepared: Prepared,
  jar: CookieJar | undefined,
  time: StepTimer,
  launchStatus: number,
): Promise<Opened> {
  const login = await time('login', () =>
    call({ method: 'POST', url: prepared.loginUrl, form: prepared.fields, jar, expect: 302 }),
  );
  const authUrl = locationOf(login.response, prepared.loginUrl);
  const auth = await time('auth', () => call({ method: 'GET', url: authUrl, jar, expect: 200 }));
  const post = formOf(auth.body);
  if (!post.action || !post.fields.id_token)
    throw new StepError(`no id_token form from ${authUrl}: ${gist(auth.body)}`);
  const launchUrl = new URL(post.action, authUrl).toString();
  const launched = await time('launch', () =>
    call({ method: 'POST', url: launchUrl, form: post.fields, jar, expect: launchStatus }),
  );
  if (launchStatus !== 200) return { url: locationOf(launched.response, launchUrl) };
  const address = /<meta name="silta-page-address" content="([^"]+)">/.exec(launched.body)?.[1];
  if (!address) throw new StepError(`the page the launch answered with names no address: ${gist(launched.body)}`);
  return { url: new URL(address.replace(/&#x3D;/g, '='), launchUrl).toString(), body: launched.body };
}

/** The first page's HTML: the launch's own answer, or the page it redirected to (timed as "first page"). */
async function firstPage(opened: Opened, jar: CookieJar, time: StepTimer): Promise<string> {
  if (opened.body !== undefined) return opened.body;
  return (await time('first page', () => call({ method: 'GET', url: opened.url, jar, expect: 200 }))).body;
}

function expectPage(body: string, name: string): void {
  if (!body.includes(name)) throw new StepError(`first page does not name ${name}: ${gist(body)}`);
}

/**
 * Silta, launched by its own development platform (a separate issuer at /dev/platform, inside
 * the Silta process): login → dev platform auth → launch, which answers with the landing page. Silta uses no cookies.
 */
export function siltaTarget(baseUrl: string): Target {
  return {
    name: 'silta',
    async prepare(index, users) {
      const { persona, course } = who(index, users);
      // Set-up, like opening the activity in Moodle: the platform page that carries the message hint.
      const { body } = await call({
        method: 'POST',
        url: `${baseUrl}/dev/platform/launch`,
        form: {
          persona: persona.key,
          courseId: course.id,
          locale: 'fi',
          messageType: 'LtiResourceLinkRequest',
          window: 'iframe',
        },
        expect: 200,
      });
      const { action, fields } = formOf(body);
      if (!action || !fields.lti_message_hint)
        throw new StepError(`no login-initiation form in the dev platform page: ${gist(body)}`);
      return {
        user: index % users,
        loginUrl: new URL(action, baseUrl).toString(),
        fields,
        expectName: `${persona.givenName} ${persona.familyName}`,
      };
    },
    async launch(prepared, jar, time) {
      expectPage(await firstPage(await loginAndLaunch(prepared, jar, time, 200), jar, time), prepared.expectName);
    },
  };
}

/**
 * A tool launched by the benchmark's platform simulator: login → simulator auth → id_token POST
 * (answered with `launchStatus`) → first page. Both tools of the launch benchmark run this way:
 * Silta (registered with `platform:add`; 200 with the landing page, no cookies) and bare ltijs
 * (302 to /?ltik=…; its state and session cookies are in the virtual user's jar).
 */
export function simTarget(name: string, loginUrl: string, sim: PlatformSim, launchStatus: number): Target {
  return {
    name,
    async prepare(index, users) {
      const { persona, course } = who(index, users);
      const fields = sim.startLaunch({ persona: persona.key, courseId: course.id, locale: 'fi' });
      return { user: index % users, loginUrl, fields, expectName: `${persona.givenName} ${persona.familyName}` };
    },
    async launch(prepared, jar, time) {
      expectPage(
        await firstPage(await loginAndLaunch(prepared, jar, time, launchStatus), jar, time),
        prepared.expectName,
      );
    },
  };
}
