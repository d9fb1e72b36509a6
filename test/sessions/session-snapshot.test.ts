import assert from 'node:assert/strict';
import { User } from '../../server/store/models';
import { LiveSession, SessionEventRow, SessionNote } from '../../server/store/session-models';
import { notePayload, sessionSuite, uuid, type Participant } from './session-fixtures';

/**
 * On PostgreSQL a note is planned from the session as this instance last left it and written in
 * one round trip, guarded by the sequence number (decision 0036). Another instance's change takes
 * the next number without this instance seeing it; these write such a change straight to the
 * database, as that instance would, and check that the next note follows the row as it is. The
 * same answers hold on SQLite, which always reads the row first.
 */
describe('Live sessions: a note after another instance changed the session', () => {
  const suite = sessionSuite();
  const { setup } = suite;

  /** What another instance's mutation does to the session row: a change and the next number. */
  async function changedElsewhere(sessionId: number, change: Partial<Pick<LiveSession, 'locked' | 'phase'>>) {
    const session = await LiveSession.findByPk(sessionId);
    assert.ok(session);
    await session.update({ ...change, seq: session.seq + 1 });
  }

  /** Adds a note that must succeed and returns what the other participant heard of it. */
  async function added(by: Participant, heardBy: Participant, sessionId: number, fields = {}) {
    const payload = notePayload(sessionId, fields);
    const { seq } = await by.ok('note:add', payload);
    const heard = await heardBy.waitFor((h) => h.event === 'note:added' && h.payload.seq === seq, 'the note');
    return { seq, payload, note: heard.payload.note as { author: { name: string | null }; phase: string | null } };
  }

  it('refuses a participant’s note once another instance locked the board, and writes nothing', async () => {
    const { sessionId, a, b } = await setup();
    await added(a, b, sessionId);
    await added(a, b, sessionId);
    await changedElsewhere(sessionId, { locked: true });
    const state = async () => ({
      notes: await SessionNote.count({ where: { sessionId } }),
      events: await SessionEventRow.count({ where: { sessionId } }),
      seq: (await LiveSession.findByPk(sessionId))!.seq,
    });
    const before = await state();

    await a.fails('note:add', notePayload(sessionId), 'session_locked');

    assert.deepEqual(await state(), before);
  });

  it('takes a participant’s note once another instance unlocked the board this instance saw locked', async () => {
    const { sessionId, teacher, a, b } = await setup();
    await teacher.ok('session:lock', { sessionId, clientId: uuid(), scope: 'board' });
    await a.fails('note:add', notePayload(sessionId), 'session_locked');
    await changedElsewhere(sessionId, { locked: false });

    const { seq } = await added(a, b, sessionId);
    assert.equal(seq, (await LiveSession.findByPk(sessionId))!.seq);
  });

  it('files the note under the phase another instance moved to, with the next number', async () => {
    const { sessionId, a, b } = await setup();
    const first = await added(a, b, sessionId);
    await changedElsewhere(sessionId, { phase: 'gaps' });

    const next = await added(a, b, sessionId);
    assert.equal(next.seq, first.seq + 2, 'the number after the other instance’s');
    assert.equal(next.note.phase, 'gaps');
    const stored = await SessionNote.findOne({ where: { sessionId, clientId: next.payload.clientId } });
    assert.equal(stored?.phase, 'gaps');
  });

  it('shows the name the platform sent since, when it changed after the last note', async () => {
    const { sessionId, a, b } = await setup();
    const first = await added(a, b, sessionId);
    const author = await SessionNote.findOne({ where: { sessionId, clientId: first.payload.clientId } });
    await User.update({ name: 'Aino Uusitalo' }, { where: { id: author!.authorId } });

    const next = await added(a, b, sessionId);
    assert.equal(next.note.author.name, 'Aino Uusitalo');
  });
});
