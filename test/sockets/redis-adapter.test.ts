import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { loadLaunch } from '../../server/domain/launches/launch.service';
import type { Ack } from '../../server/sockets/events';
import { ROOT_DIR } from '../../server/paths';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { client, connected, type ClientSocket } from './socket-client';

const REDIS_URL = process.env.REDIS_URL;

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** `node --import tsx server/index.ts` on the test's database and the given Redis; resolves once listening. */
async function startInstance(
  t: TestSilta,
  redisUrl: string,
): Promise<{ child: ChildProcess; url: string; port: number }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: t.env.databaseUrl,
      SECRET_KEY: t.env.secretKey,
      DEV_PLATFORM: 'false',
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance on ${port} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Silta is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance on ${port} exited (${code}):\n${output}`));
    });
  });
  return { child, url, port };
}

const emit = <T>(socket: ClientSocket, event: 'room:join' | 'test:broadcast', payload: unknown) =>
  new Promise<Ack<T>>((resolve) => socket.emit(event, payload, (ack) => resolve(ack as Ack<T>)));

describe('Realtime across two Silta processes (Redis Streams adapter)', function () {
  this.timeout(60_000);
  let t: TestSilta;
  const children: ChildProcess[] = [];
  const sockets: ClientSocket[] = [];

  before(async function () {
    if (!REDIS_URL) {
      console.log('      (skipped: set REDIS_URL, e.g. redis://127.0.0.1:6379, to run the two-instance test)');
      this.skip();
    }
    t = await testSilta();
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => (clearTimeout(force), resolve()));
            child.kill('SIGTERM');
          }),
      ),
    );
  });

  it('delivers a broadcast to a course room emitted on one instance to a client connected to the other', async () => {
    const one = await startInstance(t, REDIS_URL!);
    children.push(one.child);
    const two = await startInstance(t, REDIS_URL!);
    children.push(two.child);

    // Launches happen in the test process (its development platform); the instances share its database and secret.
    const sender = await launchSession(t, { persona: 'teacher' });
    const receiver = await launchSession(t, { persona: 'trainee' });
    const tokenOf = async (lt: string) =>
      ((await t.request().get(`/realtime/token?lt=${lt}`).expect(200)).body as { token: string }).token;
    const room = `context:${(await loadLaunch(t.silta.sequelize, receiver.lt)).context.id}`;

    const a = await connected(client(one.url, { token: await tokenOf(sender.lt) }));
    sockets.push(a);
    const b = await connected(client(two.url, { token: await tokenOf(receiver.lt) }));
    sockets.push(b);
    assert.deepEqual(await emit(b, 'room:join', { room }), { data: { room } });

    const text = `hei-${crypto.randomUUID()}`;
    const heard = new Promise<{ text: string; from: number }>((resolve) =>
      b.on('test:broadcasted', (message) => message.text === text && resolve(message)),
    );
    // The adapter's stream reader starts just after boot: send again until it arrives (or the test times out).
    let received: { text: string; from: number } | undefined;
    void heard.then((m) => (received = m));
    for (let i = 0; i < 20 && !received; i++) {
      assert.deepEqual(await emit(a, 'test:broadcast', { text }), { data: { room } });
      await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    assert.deepEqual(received, { text, from: one.port }, 'the client on instance two heard instance one');
  });
});
