import assert from 'node:assert/strict';
import { loadLaunch } from '../../server/domain/launches/launch.service';
import { mintRealtimeToken } from '../../server/domain/launches/realtime-token';
import { LiveSession, SessionEventRow, SessionNote } from '../../server/store/session-models';
import type { SessionState } from '../../server/sockets/session-events';
import { client, refused } from '../sockets/socket-client';
import { connect, notePayload, openLink, placeSession, sessionSuite, startSession, uuid } from './session-fixtures';

/** What must not change: everything but the sequence number, the clock and presence. */
const content = (state: SessionState) => ({
  session: { ...state.session, timer: undefined },
  notes: state.notes,
  clusters: state.clusters,
  votes: state.votes,
});

describe('Live sessions: bad input gets an error ack, no broadcast and no change', () => {
  const suite = sessionSuite();
  const { open } = suite;

  /** A service-chain session (budget 1) with a note by `a` and a cluster; teacher, a and b joined. */
  async function setup() {
    const link = placeSession(suite.t);
    const teacherLt = await openLink(suite.t, link, 'teacher');
    const sessionId = await startSession(suite.t, teacherLt, { voteBudget: '1' });
    const teacher = await connect(suite.t, teacherLt);
    const a = await connect(suite.t, await openLink(suite.t, link, 'trainee'));
    const b = await connect(suite.t, await openLink(suite.t, link, 'developer'));
    open.push(teacher, a, b);
    for (const p of [teacher, a, b]) await p.join(sessionId);
    const note = notePayload(sessionId);
    await a.ok('note:add', note);
    const cluster = uuid();
    await a.ok('cluster:create', { sessionId, clientId: cluster, label: 'Ryhmä' });
    await a.ok('vote:cast', { sessionId, clientId: uuid(), noteId: note.clientId });
    return { link, sessionId, teacher, a, b, noteId: note.clientId, cluster };
  }

  /**
   * Runs `bad`, then a harmless facilitator mutation as a marker: its seq must follow the last one
   * (no sequence number was used), it must be the only event the others heard (no broadcast), and
   * the stored state must be the same as before (nothing changed).
   */
  async function unchanged(s: Awaited<ReturnType<typeof setup>>, bad: () => Promise<void>) {
    const before = await s.teacher.join(s.sessionId);
    const marks = [s.a.heard.length, s.b.heard.length];
    await bad();
    const marker = await s.teacher.ok('timer:reset', { sessionId: s.sessionId, clientId: uuid() });
    assert.equal(marker.seq, before.seq + 1, 'no sequence number was used');
    for (const [i, p] of [s.a, s.b].entries()) {
      await p.waitFor((h) => h.event === 'timer:reset' && h.payload.seq === marker.seq, 'the marker');
      assert.deepEqual(
        p.events(marks[i]).map((h) => h.event),
        ['timer:reset'],
        'nothing else was broadcast',
      );
    }
    assert.deepEqual(content(await s.teacher.join(s.sessionId)), content(before), 'nothing changed');
    assert.equal(await SessionEventRow.count({ where: { sessionId: s.sessionId } }), marker.seq);
  }

  it('refuses malformed payloads', async () => {
    const s = await setup();
    const { sessionId, noteId } = s;
    await unchanged(s, async () => {
      for (const payload of [
        'note',
        null,
        42,
        [],
        { ...notePayload(sessionId), clientId: undefined },
        { ...notePayload(sessionId), clientId: 'not-a-uuid' },
        { ...notePayload(sessionId), sessionId: String(sessionId) },
        { ...notePayload(sessionId), text: '   ' },
        { ...notePayload(sessionId), text: 'x'.repeat(1001) },
        { ...notePayload(sessionId), text: "Kelan arvio\0'); DELETE FROM session_notes; --" },
        { ...notePayload(sessionId), colour: 'red' },
        { ...notePayload(sessionId), lane: 'x'.repeat(65) },
        { ...notePayload(sessionId), author: 1 },
      ]) {
        await s.a.fails('note:add', payload, 'validation_failed');
      }
      await s.a.fails('note:edit', { sessionId, clientId: uuid(), noteId }, 'validation_failed');
      await s.a.fails('vote:cast', { sessionId, clientId: uuid(), noteId: 'x' }, 'validation_failed');
      await s.teacher.fails('timer:start', { sessionId, clientId: uuid(), durationSeconds: -5 }, 'validation_failed');
      await s.teacher.fails('budget:set', { sessionId, clientId: uuid(), voteBudget: 1.5 }, 'validation_failed');
      await s.teacher.fails('session:lock', { sessionId, clientId: uuid(), scope: 'everything' }, 'validation_failed');
      await s.a.fails('session:join', { sessionId: -1 }, 'validation_failed');
    });
  });

  it('closes the connection of an oversize message and changes nothing', async () => {
    const s = await setup();
    const big = await connect(suite.t, await openLink(suite.t, s.link, 'trainee'));
    open.push(big);
    await big.join(s.sessionId);
    const closed = new Promise<string>((resolve) => big.socket.once('disconnect', resolve));
    await unchanged(s, async () => {
      big.socket.emit('note:add', notePayload(s.sessionId, { text: 'x'.repeat(70 * 1024) }), () =>
        assert.fail('no ack for an oversize message'),
      );
      assert.match(await closed, /transport/);
    });
  });

  it('refuses unknown sessions, notes, clusters, places and phases', async () => {
    const s = await setup();
    const { sessionId } = s;
    await unchanged(s, async () => {
      await s.a.fails('session:join', { sessionId: 999_999 }, 'session_not_found');
      await s.a.fails('note:add', notePayload(999_999), 'session_not_joined');
      await s.a.fails('note:edit', { sessionId, clientId: uuid(), noteId: uuid(), text: 'x' }, 'note_not_found');
      await s.a.fails('note:delete', { sessionId, clientId: uuid(), noteId: uuid() }, 'note_not_found');
      await s.b.fails('vote:cast', { sessionId, clientId: uuid(), noteId: uuid() }, 'note_not_found');
      await s.a.fails(
        'note:cluster',
        { sessionId, clientId: uuid(), noteId: s.noteId, clusterId: uuid() },
        'cluster_not_found',
      );
      await s.a.fails(
        'cluster:rename',
        { sessionId, clientId: uuid(), clusterId: uuid(), label: 'x' },
        'cluster_not_found',
      );
      await s.a.fails('note:add', notePayload(sessionId, { lane: 'astronauts' }), 'session_place_unknown');
      await s.a.fails(
        'note:move',
        { sessionId, clientId: uuid(), noteId: s.noteId, lane: 'kela', column: 'someday' },
        'session_place_unknown',
      );
      await s.teacher.fails('phase:set', { sessionId, clientId: uuid(), phase: 'vision' }, 'session_phase_unknown');
      await s.teacher.fails(
        'session:lock',
        { sessionId, clientId: uuid(), scope: 'phase', phase: 'vision' },
        'session_phase_unknown',
      );
    });
  });

  it('refuses facilitator actions from a learner', async () => {
    const s = await setup();
    const { sessionId } = s;
    await unchanged(s, async () => {
      const base = () => ({ sessionId, clientId: uuid() });
      await s.a.fails('session:lock', { ...base(), scope: 'board' }, 'facilitator_only');
      await s.a.fails('session:unlock', { ...base(), scope: 'phase', phase: 'map' }, 'facilitator_only');
      await s.a.fails('phase:set', { ...base(), phase: 'gaps' }, 'facilitator_only');
      await s.a.fails('timer:start', { ...base(), durationSeconds: 60 }, 'facilitator_only');
      await s.a.fails('timer:pause', base(), 'facilitator_only');
      await s.a.fails('timer:reset', base(), 'facilitator_only');
      await s.a.fails('votes:reveal', base(), 'facilitator_only');
      await s.a.fails('votes:hide', base(), 'facilitator_only');
      await s.a.fails('budget:set', { ...base(), voteBudget: 9 }, 'facilitator_only');
      await s.a.fails('session:close', base(), 'facilitator_only');
    });
    const learner = await openLink(suite.t, s.link, 'trainee');
    await suite.t
      .request()
      .post('/sessions/new')
      .type('form')
      .send(new URLSearchParams({ lt: learner, title: 'x', language: 'fi', template: 'free-board' }).toString())
      .expect(403);
  });

  it('refuses a vote past the budget and another participant’s note where the template forbids it', async () => {
    const s = await setup();
    const { sessionId, noteId, cluster } = s;
    await unchanged(s, async () => {
      await s.a.fails('vote:cast', { sessionId, clientId: uuid(), noteId }, 'vote_budget_exceeded');
      await s.b.fails('note:edit', { sessionId, clientId: uuid(), noteId, text: 'Ei sinun' }, 'note_not_yours');
      await s.b.fails(
        'note:move',
        { sessionId, clientId: uuid(), noteId, lane: 'kela', column: 'support' },
        'note_not_yours',
      );
      await s.b.fails('note:colour', { sessionId, clientId: uuid(), noteId, colour: 'pink' }, 'note_not_yours');
      await s.b.fails('note:cluster', { sessionId, clientId: uuid(), noteId, clusterId: cluster }, 'note_not_yours');
      await s.b.fails('note:delete', { sessionId, clientId: uuid(), noteId }, 'note_not_yours');
    });
  });

  it('keeps sessions of another course out of reach, over sockets and HTTP', async () => {
    const s = await setup();
    const otherLink = suite.t.devPlatform.placeLink({
      courseId: '2',
      title: 'Toinen kurssi',
      custom: { target: 'session' },
    }).id;
    const outsiderLt = await openLink(suite.t, otherLink, 'trainee', { courseId: '2' });
    const outsider = await connect(suite.t, outsiderLt);
    open.push(outsider);
    await unchanged(s, async () => {
      await outsider.fails('session:join', { sessionId: s.sessionId }, 'session_not_found');
      await outsider.fails('note:add', notePayload(s.sessionId), 'session_not_joined');
      await outsider.fails('room:join', { room: `session:${s.sessionId}` }, 'forbidden');
    });
    await suite.t.request().get(`/sessions/${s.sessionId}?lt=${outsiderLt}`).expect(404);
    await suite.t.request().get(`/sessions/abc?lt=${outsiderLt}`).expect(404);
  });

  it('refuses a handshake with an expired or forged token, so no session can be joined', async () => {
    const s = await setup();
    const launch = await loadLaunch(suite.t.silta.sequelize, s.a.lt);
    const expired = await mintRealtimeToken(launch, suite.t.env.secretKey, { now: Date.now() - 10 * 60_000 });
    assert.equal(
      (await refused(client(suite.t.baseUrl, { token: expired.token }))).data?.code,
      'realtime_token_expired',
    );
    const forged = await mintRealtimeToken(launch, 'forged-secret-forged-secret-0123456789');
    assert.equal(
      (await refused(client(suite.t.baseUrl, { token: forged.token }))).data?.code,
      'realtime_token_invalid',
    );
  });

  it('limits a flood from one socket; the others are served and only acknowledged notes exist', async () => {
    const s = await setup();
    const acks = await Promise.all(
      Array.from({ length: 80 }, () =>
        s.b.send<{ seq: number }>('note:add', notePayload(s.sessionId, { text: 'tulva' })),
      ),
    );
    const limited = acks.filter((ack) => 'error' in ack && ack.error.code === 'rate_limited').length;
    const applied = acks.filter((ack) => 'data' in ack).length;
    assert.ok(limited > 0, 'some were limited');
    assert.equal(applied + limited, 80);
    await s.a.ok('note:add', notePayload(s.sessionId, { text: 'Muut palvellaan' }));
    assert.equal(await SessionNote.count({ where: { sessionId: s.sessionId, text: 'tulva' } }), applied);
  });

  it('drops a command without an acknowledgement callback and refuses the HTTP form’s bad input', async () => {
    const s = await setup();
    await unchanged(s, async () => {
      (s.a.socket.emit as (event: string, payload: unknown) => void)('note:add', notePayload(s.sessionId));
      await s.a.ok('presence:away', { sessionId: s.sessionId, away: false });
    });
    const teacherLt = await openLink(suite.t, s.link, 'teacher');
    const count = await LiveSession.count();
    const post = (fields: Record<string, string>) =>
      suite.t
        .request()
        .post('/sessions/new')
        .type('form')
        .send(
          new URLSearchParams({
            lt: teacherLt,
            title: 'Verstas',
            language: 'fi',
            template: 'free-board',
            ...fields,
          }).toString(),
        );
    assert.equal(
      (await post({ template: 'no-such' }).set('Accept', 'application/json').expect(400)).body.error.code,
      'session_template_unknown',
    );
    await post({ title: 'x'.repeat(201) }).expect(400);
    await post({ language: 'de' }).expect(400);
    await post({ voteBudget: '-1' }).expect(400);
    await post({ extra: '1' }).expect(400);
    assert.equal(await LiveSession.count(), count, 'no session was created');
  });
});
