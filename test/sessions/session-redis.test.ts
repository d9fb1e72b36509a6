import assert from 'node:assert/strict';
import type { NoteView } from '../../server/sockets/session-events';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { connect, notePayload, openLink, placeSession, startSession, uuid, type Participant } from './session-fixtures';
import { freePort, startInstance, stopInstance, type Instance } from './silta-instance';

const REDIS_URL = process.env.REDIS_URL;

describe('Live sessions across two Silta processes (Redis Streams adapter)', function () {
  this.timeout(90_000);
  let t: TestSilta;
  const instances: Instance[] = [];
  const sockets: Participant[] = [];

  before(async function () {
    if (!REDIS_URL) {
      console.log('      (skipped: set REDIS_URL, e.g. redis://127.0.0.1:6379, to run the two-instance session test)');
      this.skip();
    }
    t = await testSilta();
  });
  after(async () => {
    for (const p of sockets) p.socket.disconnect();
    await Promise.all(instances.map((i) => stopInstance(i)));
  });

  it('a note made on one instance reaches a participant on the other, and presence spans both', async () => {
    for (let i = 0; i < 2; i++) instances.push(await startInstance(t, await freePort(), { REDIS_URL: REDIS_URL! }));
    const [one, two] = instances;
    const link = placeSession(t);
    const sessionId = await startSession(t, await openLink(t, link, 'teacher'));
    const writer = await connect(t, await openLink(t, link, 'trainee'), one.url);
    const reader = await connect(t, await openLink(t, link, 'developer'), two.url);
    sockets.push(writer, reader);
    await reader.join(sessionId);
    const joined = await writer.join(sessionId);
    assert.deepEqual(
      joined.participants.map((p) => p.name).sort(),
      ['Aino Virtanen', 'Elias Korhonen'],
      'presence lists the participant on the other instance',
    );

    // The adapter's stream reader starts just after boot: add notes until one arrives (or the test times out).
    let heard: NoteView | undefined;
    for (let i = 0; i < 20 && !heard; i++) {
      const note = notePayload(sessionId, { clientId: uuid(), text: `Instanssilta toiselle ${i}` });
      const { seq } = await writer.ok('note:add', note);
      heard = await reader
        .waitFor((h) => h.event === 'note:added' && h.payload.seq === seq, 'the note')
        .then((h) => h.payload.note as NoteView)
        .catch(() => undefined);
    }
    assert.ok(heard, 'the participant on instance two heard the note made on instance one');
    assert.equal(heard.author.name, 'Aino Virtanen');
  });
});
