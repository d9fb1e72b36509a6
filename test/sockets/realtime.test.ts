import assert from 'node:assert/strict';
import { loadLaunch } from '../../server/domain/launches/launch.service';
import { mintRealtimeToken } from '../../server/domain/launches/realtime-token';
import type { Ack } from '../../server/sockets/events';
import { MAX_SOCKET_MESSAGE_BYTES } from '../../server/sockets/io';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { io as connectClient } from 'socket.io-client';
import { client, connected, refused, type ClientSocket } from './socket-client';

/** Launches and fetches a realtime token through the HTTP endpoint, as a page does. */
async function tokenFor(t: TestSilta, request: Parameters<typeof launchSession>[1] = {}) {
  const { lt } = await launchSession(t, request);
  const response = await t.request().get(`/realtime/token?lt=${lt}`).expect(200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const body = response.body as { token: string; expiresAt: string };
  const launch = await loadLaunch(t.silta.sequelize, lt);
  return { lt, token: body.token, expiresAt: new Date(body.expiresAt), launch };
}

const emit = <T>(socket: ClientSocket, event: 'room:join' | 'test:broadcast', payload: unknown) =>
  new Promise<Ack<T>>((resolve) => socket.emit(event, payload, (ack) => resolve(ack as Ack<T>)));

describe('Realtime (Socket.IO) foundation', () => {
  let t: TestSilta;
  const open: ClientSocket[] = [];
  const track = (socket: ClientSocket) => (open.push(socket), socket);
  before(async () => {
    t = await testSilta();
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });

  it('serves a five-minute token to a launch session and refuses one without a session', async () => {
    const { token, expiresAt } = await tokenFor(t);
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const minutes = (expiresAt.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 4.5 && minutes <= 5, `expires in ${minutes} min`);
    const refusedToken = await t.request().get('/realtime/token?lt=nope').set('Accept', 'application/json').expect(401);
    assert.equal(refusedToken.body.error.code, 'session_expired');
  });

  it('connects with a token and Silta’s own Origin, over WebSocket and over polling', async () => {
    const { token } = await tokenFor(t);
    const ws = track(await connected(client(t.baseUrl, { token })));
    assert.ok(ws.connected);
    const polling = track(await connected(client(t.baseUrl, { token, transports: ['polling'] })));
    assert.ok(polling.connected);
  });

  it('refuses a handshake from another Origin or without one', async () => {
    const { token } = await tokenFor(t);
    for (const origin of [t.devPlatform.issuer, 'https://evil.example', null]) {
      for (const transports of [['websocket'], ['polling']] as const) {
        const err = await refused(client(t.baseUrl, { token, origin, transports: [...transports] }));
        assert.equal(err.data, undefined, 'refused before the handshake reaches the middleware');
      }
    }
  });

  it('refuses an expired token in the token’s language and a forged one in the asked language', async () => {
    const { launch } = await tokenFor(t, { locale: 'sv' });
    const expired = await mintRealtimeToken(launch, t.env.secretKey, { now: Date.now() - 10 * 60_000 });
    const err = await refused(client(t.baseUrl, { token: expired.token }));
    assert.equal(err.data?.code, 'realtime_token_expired');
    assert.match(err.data.message, /Tillståndet/);

    const forged = await mintRealtimeToken(launch, 'another-secret-another-secret-0123456789');
    const forgedErr = await refused(client(t.baseUrl, { token: forged.token, lang: 'en' }));
    assert.equal(forgedErr.data?.code, 'realtime_token_invalid');
    assert.match(forgedErr.data.message, /could not be verified/);

    const missing = await refused(client(t.baseUrl, {}));
    assert.equal(missing.data?.code, 'realtime_token_invalid');
    assert.match(missing.data.message, /Reaaliaikaista/, 'Finnish without any language hint');
  });

  it('refuses a valid token whose launch session has ended', async () => {
    const { launch } = await tokenFor(t);
    const { token } = await mintRealtimeToken({ ...launch, sessionId: 'x'.repeat(32) }, t.env.secretKey);
    const err = await refused(client(t.baseUrl, { token }));
    assert.equal(err.data?.code, 'session_expired');
  });

  it('joins the room of its own course only; another course or a malformed payload is refused', async () => {
    const own = await tokenFor(t, { courseId: '2' });
    const other = await tokenFor(t, { courseId: '3', persona: 'teacher' });
    assert.notEqual(own.launch.context.id, other.launch.context.id);
    const socket = track(await connected(client(t.baseUrl, { token: own.token })));
    const listener = track(await connected(client(t.baseUrl, { token: other.token })));

    const ok = await emit<{ room: string }>(socket, 'room:join', { room: `context:${own.launch.context.id}` });
    assert.deepEqual(ok, { data: { room: `context:${own.launch.context.id}` } });

    const denied = await emit(socket, 'room:join', { room: `context:${other.launch.context.id}` });
    assert.ok('error' in denied);
    assert.equal(denied.error.code, 'forbidden');
    assert.match(denied.error.message, /oikeutta/);

    for (const payload of [
      null,
      'context:1',
      { room: 5 },
      { room: 'x'.repeat(101) },
      { room: 'context:1', extra: 1 },
    ]) {
      const bad = await emit(socket, 'room:join', payload);
      assert.ok('error' in bad && bad.error.code === 'validation_failed', JSON.stringify(payload));
    }

    // Not joined: a broadcast to the other course does not reach the refused socket.
    await emit(listener, 'room:join', { room: `context:${other.launch.context.id}` });
    const received: string[] = [];
    socket.on('test:broadcasted', ({ text }) => received.push(text));
    const heard = new Promise<string>((resolve) => listener.once('test:broadcasted', ({ text }) => resolve(text)));
    await emit(listener, 'test:broadcast', { text: 'hei' });
    assert.equal(await heard, 'hei');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(received, []);
  });

  it('limits a flood from one socket with error acknowledgements while another socket is unaffected', async () => {
    const { token, launch } = await tokenFor(t);
    const room = `context:${launch.context.id}`;
    const flooder = track(await connected(client(t.baseUrl, { token })));
    const calm = track(await connected(client(t.baseUrl, { token })));
    const acks = await Promise.all(Array.from({ length: 200 }, () => emit(flooder, 'room:join', { room })));
    const limited = acks.filter((a) => 'error' in a && a.error.code === 'rate_limited');
    assert.ok(limited.length >= 100, `${limited.length} of 200 limited`);
    assert.ok(acks.filter((a) => 'data' in a).length >= 40, 'the burst is served');
    assert.match((limited[0] as { error: { message: string } }).error.message, /Liikaa/);
    // The other socket of the same user still gets every command served.
    const calmAcks = await Promise.all(Array.from({ length: 10 }, () => emit(calm, 'room:join', { room })));
    assert.ok(calmAcks.every((a) => 'data' in a));
  });

  it('recovers a dropped connection only after the handshake middleware ran again (skipMiddlewares: false)', async () => {
    const { token, launch } = await tokenFor(t);
    const room = `context:${launch.context.id}`;
    let auth: Record<string, unknown> = { token };
    const socket = track(
      connectClient(t.baseUrl, {
        transports: ['websocket'],
        extraHeaders: { origin: new URL(t.baseUrl).origin },
        reconnectionDelay: 50,
        auth: (cb) => cb(auth),
      }),
    );
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    assert.ok('data' in (await emit(socket, 'room:join', { room })));
    // Recovery starts from the offset of the last event received, so receive one first.
    const heard = new Promise<void>((resolve) => socket.once('test:broadcasted', () => resolve()));
    await emit(socket, 'test:broadcast', { text: 'ennen' });
    await heard;

    const drop = () => (socket.io.engine as unknown as { close(): void }).close();
    drop();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    assert.equal(socket.recovered, true, 'the session was recovered');

    // The same recovery with a forged token is refused by the middleware.
    const forged = await mintRealtimeToken(launch, 'another-secret-another-secret-0123456789');
    auth = { token: forged.token };
    const failed = new Promise<Error & { data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
    drop();
    assert.equal((await failed).data?.code, 'realtime_token_invalid');
  });

  it('closes a connection that sends a message over the size limit, and no one else', async () => {
    const { token, launch } = await tokenFor(t);
    const room = `context:${launch.context.id}`;
    const big = track(await connected(client(t.baseUrl, { token })));
    const other = track(await connected(client(t.baseUrl, { token })));
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    let acked = false;
    big.emit('room:join', { room: 'x'.repeat(MAX_SOCKET_MESSAGE_BYTES + 1) }, () => (acked = true));
    assert.equal(await closed, 'transport close');
    assert.equal(acked, false);
    assert.ok(other.connected);
    assert.ok('data' in (await emit(other, 'room:join', { room })));
  });
});
