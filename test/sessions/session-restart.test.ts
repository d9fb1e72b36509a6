import assert from 'node:assert/strict';
import type { Ack } from '../../server/sockets/events';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { connect, notePayload, openLink, placeSession, startSession, type Participant } from './session-fixtures';
import { freePort, startInstance, stopInstance, type Instance } from './silta-instance';

describe('Live sessions survive a crash of the server', function () {
  this.timeout(120_000);
  let t: TestSilta;
  const instances: Instance[] = [];
  const sockets: Participant[] = [];
  before(async () => {
    t = await testSilta();
  });
  after(async () => {
    for (const p of sockets) p.socket.disconnect();
    await Promise.all(instances.map((i) => stopInstance(i)));
  });

  it('keeps every acknowledged note when the process is killed mid-session and restarted on the same database', async () => {
    const port = await freePort();
    const first = await startInstance(t, port);
    instances.push(first);
    // Launches and the session's creation go through the test process (its development platform); the instance shares the database.
    const link = placeSession(t);
    const teacherLt = await openLink(t, link, 'teacher');
    const sessionId = await startSession(t, teacherLt);
    const learnerLt = await openLink(t, link, 'trainee');
    const learner = await connect(t, learnerLt, first.url);
    sockets.push(learner);
    await learner.join(sessionId);

    const acknowledged = new Set<string>();
    let lastSeq = 0;
    for (let i = 0; i < 10; i++) {
      const note = notePayload(sessionId, { text: `Lappu ${i}` });
      lastSeq = (await learner.ok('note:add', note)).seq;
      acknowledged.add(note.clientId);
    }
    // More notes in flight when the process dies: those acknowledged before the kill must be kept.
    const inFlight = Array.from({ length: 20 }, (_, i) => notePayload(sessionId, { text: `Lennossa ${i}` }));
    const pending = inFlight.map(
      (note) =>
        new Promise<void>((resolve) => {
          learner.socket.emit(
            'note:add',
            note as never,
            ((ack: Ack<{ seq: number }>) => {
              if ('data' in ack) acknowledged.add(note.clientId);
              resolve();
            }) as never,
          );
          learner.socket.once('disconnect', () => resolve());
        }),
    );
    await learner.waitFor(() => acknowledged.size > 12, 'some in-flight acks');
    await stopInstance(first, 'SIGKILL');
    await Promise.all(pending);
    assert.ok(acknowledged.size >= 13);

    const second = await startInstance(t, port);
    instances.push(second);
    const back = await connect(t, learnerLt, second.url);
    sockets.push(back);
    const state = await back.join(sessionId);
    const stored = new Set(state.notes.map((n) => n.id));
    for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged note ${id} survived`);
    assert.ok(state.seq >= lastSeq + acknowledged.size - 10, 'the sequence counter survived');
    assert.equal(state.seq, state.notes.length, 'one event per stored note, no gaps');
    const next = await back.ok('note:add', notePayload(sessionId, { text: 'Uudelleenkäynnistyksen jälkeen' }));
    assert.equal(next.seq, state.seq + 1, 'numbering continues');
    assert.equal(
      (await back.ok('note:add', { ...notePayload(sessionId, { text: 'Lappu 0' }), clientId: [...acknowledged][0] }))
        .seq,
      1,
      'a retry after the restart returns the original ack',
    );
  });
});
