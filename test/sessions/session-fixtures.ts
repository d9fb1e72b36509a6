import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Ack } from '../../server/sockets/events';
import type { ClientToServerEvents } from '../../server/sockets/events';
import type { JoinResult, SessionState } from '../../server/sockets/session-events';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { client, connected, type ClientSocket } from '../sockets/socket-client';

export const COURSE = '3';
export type Persona = 'trainee' | 'developer' | 'teacher' | 'admin';

/** Places a live-session activity in the course. */
export function placeSession(t: TestSilta, title = 'Palveluketjuverstas'): string {
  return t.devPlatform.placeLink({ courseId: COURSE, title, custom: { target: 'session' } }).id;
}

/** A launch into a link; returns the launch-session token. */
export async function openLink(
  t: TestSilta,
  linkId: string,
  persona: Persona,
  options: { locale?: string; region?: string; courseId?: string } = {},
): Promise<string> {
  const { lt } = await launchSession(t, {
    persona,
    courseId: options.courseId ?? COURSE,
    resourceLinkId: linkId,
    locale: options.locale ?? 'fi',
    region: options.region,
  });
  return lt;
}

/** Posts the "new session" form as the facilitator; returns the session id from the redirect. */
export async function startSession(t: TestSilta, lt: string, fields: Record<string, string> = {}): Promise<number> {
  const body = new URLSearchParams({
    lt,
    title: 'Palveluketju Pohjois-Karjalassa',
    language: 'fi',
    template: 'service-chain',
    ...fields,
  });
  const response = await t.request().post('/sessions/new').type('form').send(body.toString());
  if (response.status !== 303) throw new Error(`create failed: ${response.status} ${response.text.slice(0, 300)}`);
  const match = /^\/sessions\/(\d+)\?lt=/.exec(response.headers.location as string);
  if (!match) throw new Error(`unexpected redirect ${response.headers.location}`);
  return Number(match[1]);
}

type Command = keyof ClientToServerEvents;
export type Heard = { event: string; payload: Record<string, unknown> };

/** A connected participant: emits commands with acks and records everything it hears. */
export class Participant {
  readonly heard: Heard[] = [];
  constructor(
    readonly socket: ClientSocket,
    readonly lt: string,
  ) {
    socket.onAny((event: string, payload: Record<string, unknown>) => this.heard.push({ event, payload }));
  }

  /** Emits a command and resolves with its acknowledgement. */
  send<T = unknown>(event: Command | string, payload: unknown): Promise<Ack<T>> {
    return new Promise((resolve) =>
      (this.socket.emit as (e: string, p: unknown, ack: (a: Ack<T>) => void) => void)(event, payload, resolve),
    );
  }

  /** A command that must succeed; returns its data. */
  async ok<T = { seq: number }>(event: Command | string, payload: unknown): Promise<T> {
    const ack = await this.send<T>(event, payload);
    if ('error' in ack) assert.fail(`${event} failed: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /** A command that must fail with `code`. */
  async fails(event: Command | string, payload: unknown, code: string): Promise<void> {
    const ack = await this.send(event, payload);
    assert.ok('error' in ack, `${event} should fail with ${code}`);
    assert.equal(ack.error.code, code, `${event}: ${ack.error.message}`);
    assert.ok(ack.error.message.length > 0);
  }

  /** Joins and returns the whole state. */
  async join(sessionId: number): Promise<SessionState> {
    const result = await this.ok<JoinResult>('session:join', { sessionId });
    assert.equal(result.kind, 'state');
    return (result as Extract<JoinResult, { kind: 'state' }>).state;
  }

  /** Sequenced events heard (no presence or timer-end notices), optionally from index `from`. */
  events(from = 0): Heard[] {
    return this.heard.slice(from).filter((h) => typeof h.payload?.seq === 'number');
  }

  /** Waits until an event matching `match` has been heard. */
  async waitFor(match: (h: Heard) => boolean, what = 'an event'): Promise<Heard> {
    for (let i = 0; i < 400; i++) {
      const found = this.heard.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`never heard ${what}`);
  }
}

/** A realtime token for a launch (as the page gets it). */
export async function tokenOf(t: TestSilta, lt: string): Promise<string> {
  return ((await t.request().get(`/realtime/token?lt=${lt}`).expect(200)).body as { token: string }).token;
}

/** Connects a participant for a launch token to `baseUrl` (default: the test's Silta). */
export async function connect(t: TestSilta, lt: string, baseUrl = t.baseUrl): Promise<Participant> {
  return new Participant(await connected(client(baseUrl, { token: await tokenOf(t, lt) })), lt);
}

export const uuid = () => crypto.randomUUID();

/** A note:add payload. */
export const notePayload = (sessionId: number, fields: Record<string, unknown> = {}) => ({
  sessionId,
  clientId: uuid(),
  lane: 'kela',
  column: 'assessment',
  text: 'Kelan ja TTH:n yhteinen arvio',
  ...fields,
});

/**
 * A new session of a placed link with its facilitator and two participants (trainee from
 * Pohjois-Karjala, developer from Pirkanmaa) connected and joined; the sockets go into `open`
 * so the test can disconnect them.
 */
export async function sessionWithThree(t: TestSilta, open: Participant[], fields: Record<string, string> = {}) {
  const link = placeSession(t);
  const teacherLt = await openLink(t, link, 'teacher');
  const sessionId = await startSession(t, teacherLt, fields);
  const [aLt, bLt] = [
    await openLink(t, link, 'trainee', { region: 'pohjois-karjala' }),
    await openLink(t, link, 'developer', { region: 'pirkanmaa' }),
  ];
  const teacher = await connect(t, teacherLt);
  const a = await connect(t, aLt);
  const b = await connect(t, bLt);
  open.push(teacher, a, b);
  const states = { teacher: await teacher.join(sessionId), a: await a.join(sessionId), b: await b.join(sessionId) };
  return { link, sessionId, teacher, a, b, states };
}

/**
 * The mocha hooks every session suite needs: one test Silta for the suite, and every participant
 * a test opened disconnected after it. `setup()` opens a session with three participants.
 */
export function sessionSuite() {
  let silta: TestSilta | undefined;
  const open: Participant[] = [];
  before(async () => {
    silta = await testSilta();
  });
  afterEach(() => {
    for (const p of open.splice(0)) p.socket.disconnect();
  });
  const suite = {
    get t(): TestSilta {
      if (!silta) throw new Error('the test Silta starts in before()');
      return silta;
    },
    open,
    /** A new session with a facilitator and two participants connected and joined. */
    setup: (fields: Record<string, string> = {}) => sessionWithThree(suite.t, open, fields),
  };
  return suite;
}
