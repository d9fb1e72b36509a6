import assert from 'node:assert/strict';
import { LiveSession, SessionEventRow, SessionNote, SessionVote } from '../../server/store/session-models';
import { notePayload, sessionSuite, uuid } from './session-fixtures';

/**
 * Retries are found through the event log's unique client id only when a mutation fails (the
 * fast path does not look them up): these are the retries whose second run would succeed, or fail
 * with another error, if the log were not asked.
 */
describe('Live sessions: a retried client id is never applied twice', () => {
  const suite = sessionSuite();
  const { setup } = suite;

  /** What a retry must leave untouched: the seq, the log, the notes and the votes. */
  async function snapshot(sessionId: number) {
    const session = await LiveSession.findByPk(sessionId);
    const notes = await SessionNote.findAll({ where: { sessionId }, order: [['id', 'ASC']], raw: true });
    const votes = await SessionVote.findAll({ where: { sessionId }, order: [['id', 'ASC']], raw: true });
    return {
      seq: session?.seq,
      phase: session?.phase,
      events: await SessionEventRow.count({ where: { sessionId } }),
      notes,
      votes,
    };
  }

  it('a retried edit after a newer edit keeps the newer text: original seq, no broadcast', async () => {
    const { sessionId, a, b } = await setup();
    const add = notePayload(sessionId);
    await a.ok('note:add', add);
    const first = { sessionId, clientId: uuid(), noteId: add.clientId, text: 'Ensimmäinen' };
    const firstAck = await a.ok('note:edit', first);
    await a.ok('note:edit', { sessionId, clientId: uuid(), noteId: add.clientId, text: 'Uudempi' });
    await b.waitFor((h) => h.payload?.seq === firstAck.seq + 1, 'the newer edit');
    const before = await snapshot(sessionId);
    const heard = b.heard.length;

    assert.deepEqual(await a.ok('note:edit', first), firstAck);
    assert.deepEqual(await snapshot(sessionId), before);
    assert.equal(before.notes[0].text, 'Uudempi');
    // A marker after the retry: once it is heard, a broadcast of the retry would have been too.
    const marker = await a.ok('note:colour', { sessionId, clientId: uuid(), noteId: add.clientId, colour: 'blue' });
    await b.waitFor((h) => h.payload?.seq === marker.seq, 'the marker');
    assert.deepEqual(
      b.events(heard).map((h) => h.payload.seq),
      [marker.seq],
      'only the marker was broadcast',
    );
  });

  it('a retried phase change is not applied again after the phase moved on', async () => {
    const { sessionId, teacher } = await setup();
    const toGaps = { sessionId, clientId: uuid(), phase: 'gaps' };
    const ack = await teacher.ok('phase:set', toGaps);
    await teacher.ok('phase:set', { sessionId, clientId: uuid(), phase: 'map' });
    const before = await snapshot(sessionId);
    assert.deepEqual(await teacher.ok('phase:set', toGaps), ack);
    assert.deepEqual(await snapshot(sessionId), before);
    assert.equal(before.phase, 'map');
  });

  it('a retried vote at the budget and a retried note after closing get their original seq', async () => {
    const { sessionId, teacher, a } = await setup({ voteBudget: '1' });
    const add = notePayload(sessionId);
    const added = await a.ok('note:add', add);
    const vote = { sessionId, clientId: uuid(), noteId: add.clientId };
    const cast = await a.ok('vote:cast', vote);
    await a.fails('vote:cast', { ...vote, clientId: uuid() }, 'vote_budget_exceeded');
    assert.deepEqual(await a.ok('vote:cast', vote), cast, 'the budget is spent, yet the retry is its own first cast');

    await teacher.ok('session:close', { sessionId, clientId: uuid() });
    const before = await snapshot(sessionId);
    assert.deepEqual(await a.ok('note:add', add), added);
    await a.fails('note:add', notePayload(sessionId), 'session_closed');
    assert.deepEqual(await snapshot(sessionId), before);
  });

  it('the same client id from another user, or for another command, is client_id_reused and changes nothing', async () => {
    const { sessionId, teacher, a, b } = await setup();
    const add = notePayload(sessionId);
    await a.ok('note:add', add);
    const before = await snapshot(sessionId);
    await b.fails('note:add', { ...notePayload(sessionId), clientId: add.clientId }, 'client_id_reused');
    await b.fails('note:add', add, 'client_id_reused');
    await a.fails(
      'note:edit',
      { sessionId, clientId: add.clientId, noteId: add.clientId, text: 'Toinen komento' },
      'client_id_reused',
    );
    await teacher.fails('phase:set', { sessionId, clientId: add.clientId, phase: 'gaps' }, 'client_id_reused');
    assert.deepEqual(await snapshot(sessionId), before);
  });
});
