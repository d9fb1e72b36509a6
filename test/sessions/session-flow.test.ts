import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { GradeOutbox } from '../../server/store/models';
import { LiveSession, SessionEventRow, SessionNote, SessionParticipant } from '../../server/store/session-models';
import type { JoinResult, NoteView, SessionState } from '../../server/sockets/session-events';
import { PRESENCE_GATHER_MS } from '../../server/sockets/presence-broadcasts';
import { connect, notePayload, openLink, placeSession, sessionSuite, startSession, uuid } from './session-fixtures';

describe('Live sessions: facilitating and co-developing over Socket.IO', () => {
  const suite = sessionSuite();
  const { open, setup } = suite;

  it('a facilitator starts the session of a placed link; learners wait for it, then open the same session', async () => {
    const link = placeSession(suite.t, 'Tulevaisuusverstas');
    const learnerLt = await openLink(suite.t, link, 'trainee');
    const waiting = await suite.t.request().get(`/sessions/start?lt=${learnerLt}`).expect(200);
    assert.match(waiting.text, /Verstas ei ole vielä alkanut/);
    await suite.t.request().get(`/sessions/new?lt=${learnerLt}`).expect(403);

    const teacherLt = await openLink(suite.t, link, 'teacher', { locale: 'sv' });
    const landing = await suite.t.request().get(`/app?lt=${teacherLt}`).expect(303);
    assert.equal(landing.headers.location, `/sessions/start?lt=${teacherLt}`);
    const start = await suite.t.request().get(`/sessions/start?lt=${teacherLt}`).expect(303);
    assert.equal(start.headers.location, `/sessions/new?lt=${teacherLt}`);
    const form = await suite.t.request().get(`/sessions/new?lt=${teacherLt}`).expect(200);
    assert.match(form.text, /<html lang="sv">/);
    for (const key of ['service-chain', 'future-workshop', 'learning-cafe', 'free-board'])
      assert.match(form.text, new RegExp(`value="${key}"`));
    assert.match(form.text, /value="Tulevaisuusverstas"/, 'the link title is the default title');

    const id = await startSession(suite.t, teacherLt, {
      template: 'future-workshop',
      anonymous: 'on',
      completionReporting: 'on',
      voteBudget: '7',
    });
    const stored = await LiveSession.findByPk(id);
    assert.ok(stored);
    assert.deepEqual(
      [stored.templateKey, stored.anonymous, stored.completionReporting, stored.voteBudget, stored.phase, stored.seq],
      ['future-workshop', true, true, 7, 'critique', 0],
    );
    // A second submit from the same link returns the same session.
    assert.equal(await startSession(suite.t, teacherLt, { template: 'free-board' }), id);

    const again = await suite.t.request().get(`/sessions/start?lt=${learnerLt}`).expect(303);
    assert.equal(again.headers.location, `/sessions/${id}?lt=${learnerLt}`);
    const page = await suite.t.request().get(`/sessions/${id}?lt=${learnerLt}`).expect(200);
    assert.match(page.text, new RegExp(`data-session-id="${id}"`));
    assert.match(page.text, new RegExp(`data-lt="${learnerLt}"`));
    assert.match(page.text, /aria-live="polite"/);
  });

  it('notes: add, edit, move, colour, cluster and delete reach everyone in sequence and are stored', async () => {
    const { sessionId, teacher, a, b, states } = await setup();
    assert.equal(states.a.template.lanes.length, 9);
    assert.equal(states.a.template.lanes.find((l) => l.key === 'kela')?.label, 'Kela');
    const from = b.heard.length;
    const add = notePayload(sessionId, { colour: 'blue' });
    const seqs = [(await a.ok('note:add', add)).seq];
    seqs.push(
      (await a.ok('note:edit', { sessionId, clientId: uuid(), noteId: add.clientId, text: 'Yhteinen arvio viikossa' }))
        .seq,
    );
    seqs.push(
      (
        await a.ok('note:move', {
          sessionId,
          clientId: uuid(),
          noteId: add.clientId,
          lane: 'occupational-health',
          column: 'planning',
        })
      ).seq,
    );
    seqs.push((await a.ok('note:colour', { sessionId, clientId: uuid(), noteId: add.clientId, colour: 'green' })).seq);
    const cluster = uuid();
    seqs.push((await b.ok('cluster:create', { sessionId, clientId: cluster, label: 'Nopea arvio' })).seq);
    seqs.push(
      (await a.ok('note:cluster', { sessionId, clientId: uuid(), noteId: add.clientId, clusterId: cluster })).seq,
    );
    seqs.push(
      (await b.ok('cluster:rename', { sessionId, clientId: uuid(), clusterId: cluster, label: 'Arvio viikossa' })).seq,
    );
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7], 'acks carry strictly increasing sequence numbers');

    await b.waitFor((h) => h.event === 'cluster:renamed', 'the rename');
    const heard = b.events(from);
    assert.deepEqual(
      heard.map((h) => [h.event, h.payload.seq]),
      [
        ['note:added', 1],
        ['note:edited', 2],
        ['note:moved', 3],
        ['note:coloured', 4],
        ['cluster:created', 5],
        ['note:clustered', 6],
        ['cluster:renamed', 7],
      ],
    );
    const added = heard[0].payload.note as Omit<NoteView, 'id'>;
    // The note's id is the event's client id, sent once; no timestamps travel to every participant.
    assert.deepEqual(Object.keys(added).sort(), ['author', 'clusterId', 'colour', 'column', 'lane', 'phase', 'text']);
    assert.equal(added.author.name, 'Aino Virtanen');
    assert.equal(added.author.handle, states.a.me.handle);
    assert.notEqual(added.author.handle, states.b.me.handle);
    assert.equal(heard[0].payload.clientId, add.clientId);

    // The note (written in one SQL batch on SQLite, decision 0010) is stored exactly as a row
    // written through a model (the cluster): the same date format, read back the same way.
    const [raw] = await suite.t.silta.sequelize.query<{ note: unknown; cluster: unknown }>(
      'SELECT n.created_at AS note, c.created_at AS cluster FROM session_notes n, session_clusters c WHERE n.client_id = :note AND c.client_id = :cluster',
      { replacements: { note: add.clientId, cluster }, type: QueryTypes.SELECT },
    );
    assert.equal(typeof raw.note, typeof raw.cluster);
    if (typeof raw.note === 'string')
      assert.equal(String(raw.note).replace(/\d/g, '0'), String(raw.cluster).replace(/\d/g, '0'));
    const stored = await SessionNote.findOne({ where: { clientId: add.clientId } });
    assert.ok(Math.abs(stored!.createdAt.getTime() - Date.now()) < 60_000, 'read back as the time it was written');
    assert.deepEqual(
      [stored?.text, stored?.lane, stored?.columnKey, stored?.colour, stored?.clusterId, stored?.phase],
      ['Yhteinen arvio viikossa', 'occupational-health', 'planning', 'green', cluster, 'map'],
    );

    // Deleting the cluster unclusters its notes; deleting the note removes it for everyone.
    await b.ok('cluster:delete', { sessionId, clientId: uuid(), clusterId: cluster });
    await a.ok('note:delete', { sessionId, clientId: uuid(), noteId: add.clientId });
    const after = await teacher.join(sessionId);
    assert.deepEqual([after.notes, after.clusters, after.seq], [[], [], 9]);
    assert.ok(
      (await SessionNote.findOne({ where: { clientId: add.clientId } }))?.deletedAt,
      'kept in the store, marked deleted',
    );
  });

  it('sequence numbers stay gap-free and strictly increasing when several participants write at once', async () => {
    const { sessionId, teacher, a, b } = await setup();
    const writers = [teacher, a, b];
    const acks = await Promise.all(
      writers.flatMap((p) => Array.from({ length: 8 }, () => p.ok('note:add', notePayload(sessionId)))),
    );
    const seqs = acks.map((ack) => ack.seq).sort((x, y) => x - y);
    assert.deepEqual(
      seqs,
      Array.from({ length: 24 }, (_, i) => i + 1),
      'each seq used exactly once',
    );
    await b.waitFor((h) => h.event === 'note:added' && h.payload.seq === 24, 'the last note');
    const heard = b.events().map((h) => h.payload.seq as number);
    assert.deepEqual(
      [...heard].sort((x, y) => x - y),
      seqs,
      'every event heard once',
    );
    assert.equal((await a.join(sessionId)).seq, 24);
  });

  it('a retried mutation with the same client id is applied once, acknowledged with the original seq and broadcast once', async () => {
    const { sessionId, a, b } = await setup();
    const add = notePayload(sessionId);
    const first = await a.ok('note:add', add);
    const [retry1, retry2] = await Promise.all([
      a.ok('note:add', add),
      b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: add.clientId }),
    ]);
    assert.deepEqual(retry1, first);
    const vote = { sessionId, clientId: uuid(), noteId: add.clientId };
    const cast = await b.ok('vote:cast', vote);
    assert.deepEqual(await b.ok('vote:cast', vote), cast, 'a retried vote counts once');
    assert.equal(cast.seq, retry2.seq + 1);
    await b.fails('note:add', { ...notePayload(sessionId), clientId: vote.clientId }, 'client_id_reused');

    const state = await a.join(sessionId);
    assert.equal(state.notes.length, 1);
    assert.equal(state.seq, cast.seq);
    assert.equal(await SessionEventRow.count({ where: { sessionId } }), 3);
    await a.waitFor((h) => h.payload?.seq === cast.seq, 'the vote');
    assert.equal(a.events().filter((h) => h.event === 'note:added').length, 1, 'broadcast once');
    assert.equal((await b.join(sessionId)).votes.mine[add.clientId], 2);
  });

  it('dot votes: the budget holds, participants see only their own votes until the facilitator reveals them', async () => {
    const { sessionId, teacher, a, b } = await setup({ voteBudget: '2' });
    const n1 = notePayload(sessionId);
    const n2 = notePayload(sessionId, { lane: 'workplaces' });
    await a.ok('note:add', n1);
    const added = await a.ok('note:add', n2);
    for (const who of [teacher, a, b])
      await who.waitFor((h) => h.event === 'note:added' && h.payload.seq === added.seq);
    const fromA = a.heard.length;
    const fromT = teacher.heard.length;
    const cast = await b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n1.clientId });
    await b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n1.clientId });
    await b.fails('vote:cast', { sessionId, clientId: uuid(), noteId: n2.clientId }, 'vote_budget_exceeded');
    await a.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n1.clientId });

    // An acknowledgement comes before the broadcast: wait until everyone heard the last vote.
    for (const who of [teacher, a, b])
      await who.waitFor((h) => h.event === 'vote:casted' && h.payload.seq === cast.seq + 2);
    const own = b.events().filter((h) => h.event === 'vote:casted');
    assert.deepEqual(
      own.map((h) => [h.payload.noteId, h.payload.mine, h.payload.total]),
      [
        [n1.clientId, 1, undefined],
        [n1.clientId, 2, undefined],
        [undefined, undefined, undefined],
      ],
      'b sees its own counts only, and a seq for a’s vote',
    );
    const seenByA = a.events(fromA).filter((h) => h.event === 'vote:casted');
    assert.deepEqual(
      Object.keys(seenByA[0].payload).sort(),
      ['clientId', 'seq', 'sessionId'],
      'another participant’s vote reveals nothing',
    );
    assert.deepEqual(
      teacher.events(fromT).map((h) => h.payload.total),
      [1, 2, 3],
    );

    const aState = await a.join(sessionId);
    assert.deepEqual([aState.votes.mine, aState.votes.used, aState.votes.totals], [{ [n1.clientId]: 1 }, 1, null]);
    assert.deepEqual((await teacher.join(sessionId)).votes.totals, { [n1.clientId]: 3 });

    await a.fails('votes:reveal', { sessionId, clientId: uuid() }, 'facilitator_only');
    await teacher.ok('votes:reveal', { sessionId, clientId: uuid() });
    const revealed = await a.waitFor((h) => h.event === 'votes:revealed');
    assert.deepEqual(revealed.payload.totals, { [n1.clientId]: 3 });
    assert.deepEqual((await a.join(sessionId)).votes.totals, { [n1.clientId]: 3 });
    await b.ok('vote:retract', { sessionId, clientId: uuid(), noteId: n1.clientId });
    const retracted = await a.waitFor((h) => h.event === 'vote:retracted');
    assert.equal(retracted.payload.total, 2, 'after reveal everyone sees totals');
    await b.fails('vote:retract', { sessionId, clientId: uuid(), noteId: n2.clientId }, 'vote_not_found');

    await teacher.ok('votes:hide', { sessionId, clientId: uuid() });
    assert.equal((await a.join(sessionId)).votes.totals, null);
    await teacher.ok('budget:set', { sessionId, clientId: uuid(), voteBudget: 3 });
    assert.equal((await b.waitFor((h) => h.event === 'budget:changed')).payload.voteBudget, 3);
    await b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n2.clientId });
    // Deleting a note gives its votes back.
    await a.ok('note:delete', { sessionId, clientId: uuid(), noteId: n1.clientId });
    assert.deepEqual((await b.join(sessionId)).votes.mine, { [n2.clientId]: 1 });
  });

  it('facilitator controls: locks, phases and the server’s timer', async () => {
    const { sessionId, teacher, a } = await setup();
    const note = notePayload(sessionId);
    await a.ok('note:add', note);
    await teacher.ok('session:lock', { sessionId, clientId: uuid(), scope: 'board' });
    assert.deepEqual((await a.waitFor((h) => h.event === 'session:locked')).payload.locked, true);
    await a.fails('note:add', notePayload(sessionId), 'session_locked');
    await a.fails('note:edit', { sessionId, clientId: uuid(), noteId: note.clientId, text: 'x' }, 'session_locked');
    await teacher.ok('note:add', notePayload(sessionId, { text: 'Fasilitaattori voi silti kirjoittaa' }));
    await a.ok('vote:cast', { sessionId, clientId: uuid(), noteId: note.clientId });
    await teacher.ok('session:unlock', { sessionId, clientId: uuid(), scope: 'board' });

    await teacher.ok('session:lock', { sessionId, clientId: uuid(), scope: 'phase', phase: 'map' });
    await a.fails('note:edit', { sessionId, clientId: uuid(), noteId: note.clientId, text: 'x' }, 'session_locked');
    await teacher.ok('phase:set', { sessionId, clientId: uuid(), phase: 'gaps' });
    assert.equal((await a.waitFor((h) => h.event === 'phase:changed')).payload.phase, 'gaps');
    await a.ok('note:add', notePayload(sessionId, { text: 'Katkos: tieto ei kulje' }));
    await a.fails('note:edit', { sessionId, clientId: uuid(), noteId: note.clientId, text: 'x' }, 'session_locked');
    const state = await a.join(sessionId);
    assert.deepEqual([state.session.locked, state.session.lockedPhases, state.session.phase], [false, ['map'], 'gaps']);
    assert.deepEqual(
      state.notes.map((n) => n.phase),
      ['map', 'map', 'gaps'],
    );

    await a.fails('phase:set', { sessionId, clientId: uuid(), phase: 'map' }, 'facilitator_only');
    await a.fails('timer:start', { sessionId, clientId: uuid(), durationSeconds: 60 }, 'facilitator_only');

    await teacher.fails('timer:start', { sessionId, clientId: uuid() }, 'timer_duration_required');
    await teacher.fails('timer:pause', { sessionId, clientId: uuid() }, 'timer_not_running');
    await teacher.ok('timer:start', { sessionId, clientId: uuid(), durationSeconds: 300 });
    const started = await a.waitFor((h) => h.event === 'timer:started');
    const timer = started.payload.timer as { status: string; endsAt: string };
    const serverNow = Date.parse(started.payload.serverNow as string);
    assert.equal(timer.status, 'running');
    assert.equal(Date.parse(timer.endsAt) - serverNow, 300_000, 'ends five minutes after the server’s now');
    await teacher.ok('timer:pause', { sessionId, clientId: uuid() });
    const paused = (await a.waitFor((h) => h.event === 'timer:paused')).payload.timer as {
      status: string;
      remainingMs: number;
    };
    assert.equal(paused.status, 'paused');
    assert.ok(paused.remainingMs > 0 && paused.remainingMs <= 300_000);
    await teacher.ok('timer:start', { sessionId, clientId: uuid() });
    const resumed = (await a.waitFor((h) => h.event === 'timer:started' && h.payload.seq !== started.payload.seq))
      .payload;
    assert.equal(
      Date.parse((resumed.timer as { endsAt: string }).endsAt) - Date.parse(resumed.serverNow as string),
      paused.remainingMs,
      'resumes with the time left',
    );
    await teacher.ok('timer:reset', { sessionId, clientId: uuid() });
    assert.deepEqual((await a.join(sessionId)).session.timer, { status: 'idle' });
    await teacher.ok('timer:start', { sessionId, clientId: uuid(), durationSeconds: 1 });
    assert.equal(
      (await a.waitFor((h) => h.event === 'timer:ended', 'the end of the timer')).payload.sessionId,
      sessionId,
    );
  });

  it('presence: everyone sees who is here with name, region and online or away, until they leave', async () => {
    const { sessionId, teacher, a, b, states } = await setup();
    assert.deepEqual(
      states.b.participants.map((p) => [p.name, p.region?.key ?? null, p.status, p.facilitator]),
      [
        ['Maria Lindqvist', null, 'online', true],
        ['Aino Virtanen', 'pohjois-karjala', 'online', false],
        ['Elias Korhonen', 'pirkanmaa', 'online', false],
      ],
    );
    assert.equal(states.b.participants[1].region?.label, 'Pohjois-Karjalan hyvinvointialue');
    await a.ok('presence:away', { sessionId, away: true });
    const away = await teacher.waitFor(
      (h) =>
        h.event === 'presence:updated' &&
        (h.payload.participants as { name: string; status: string }[]).some((p) => p.status === 'away'),
    );
    assert.deepEqual(
      (away.payload.participants as { name: string; status: string }[]).map((p) => p.status),
      ['online', 'away', 'online'],
    );
    const from = teacher.heard.length;
    b.socket.disconnect();
    const left = await teacher.waitFor(
      (h) =>
        teacher.heard.indexOf(h) >= from &&
        h.event === 'presence:updated' &&
        (h.payload.participants as unknown[]).length === 2,
    );
    assert.deepEqual(
      (left.payload.participants as { name: string }[]).map((p) => p.name),
      ['Maria Lindqvist', 'Aino Virtanen'],
    );
    await a.ok('session:leave', { sessionId });
    await a.fails('note:add', notePayload(sessionId), 'session_not_joined');
  });

  it('one person joining from several tabs at once is one participant, shown once, in lists gathered for the room', async () => {
    const { link, sessionId, teacher } = await setup();
    const lt = await openLink(suite.t, link, 'admin');
    const tabs = await Promise.all(Array.from({ length: 6 }, () => connect(suite.t, lt)));
    open.push(...tabs);
    const from = teacher.heard.length;
    const joined = await Promise.all(tabs.map((tab) => tab.send<JoinResult>('session:join', { sessionId })));
    for (const ack of joined) assert.ok('data' in ack, JSON.stringify(ack));
    assert.equal(
      await SessionParticipant.count({ where: { sessionId } }),
      4,
      'three participants before, and one more',
    );
    const last = await teacher.waitFor(
      (h) => h.event === 'presence:updated' && (h.payload.participants as unknown[]).length === 4,
      'the admin in the list',
    );
    assert.equal((last.payload.participants as { name: string }[]).filter((p) => p.name === 'Admin User').length, 1);
    // Six joins at once are not six lists to everyone: changes within PRESENCE_GATHER_MS go out as one.
    await new Promise((resolve) => setTimeout(resolve, 2 * PRESENCE_GATHER_MS));
    const lists = teacher.heard.slice(from).filter((h) => h.event === 'presence:updated').length;
    assert.ok(lists >= 1 && lists < 6, `${lists} presence lists for 6 joins`);
  });

  it('an anonymous session shows participants’ names neither on notes nor in presence (the facilitator stays named)', async () => {
    const { sessionId, a, b, states } = await setup({ anonymous: 'on' });
    assert.deepEqual(
      states.b.participants.map((p) => p.name),
      ['Maria Lindqvist', null, null],
    );
    await a.ok('note:add', notePayload(sessionId));
    const added = await b.waitFor((h) => h.event === 'note:added');
    assert.equal((added.payload.note as NoteView).author.name, null);
    const keys = states.b.participants.map((p) => p.key);
    assert.ok(!keys.includes((added.payload.note as NoteView).author.handle), 'a note handle is not a presence key');
  });

  it('a late joiner gets the whole state; a reconnecting client gets exactly the events it missed, shaped for it', async () => {
    const { link, sessionId, teacher, a, b } = await setup();
    const n = notePayload(sessionId);
    await a.ok('note:add', n);
    const last = (await b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n.clientId })).seq;
    const bSince = last;
    b.socket.disconnect();
    await a.ok('note:edit', { sessionId, clientId: uuid(), noteId: n.clientId, text: 'Muokattu poissa ollessa' });
    await a.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n.clientId });
    await teacher.ok('phase:set', { sessionId, clientId: uuid(), phase: 'gaps' });

    const back = await connect(suite.t, b.lt);
    open.push(back);
    const replay = await back.ok<JoinResult>('session:join', { sessionId, sinceSeq: bSince });
    assert.equal(replay.kind, 'events');
    const events = (replay as Extract<JoinResult, { kind: 'events' }>).events;
    assert.deepEqual(
      events.map((e) => [e.type, e.data.seq]),
      [
        ['note:edited', bSince + 1],
        ['vote:casted', bSince + 2],
        ['phase:changed', bSince + 3],
      ],
    );
    assert.deepEqual(
      Object.keys(events[1].data).sort(),
      ['clientId', 'seq', 'sessionId'],
      'a’s vote stays secret on replay',
    );
    assert.equal((replay as Extract<JoinResult, { kind: 'events' }>).seq, bSince + 3);
    const nothing = await back.ok<JoinResult>('session:join', { sessionId, sinceSeq: bSince + 3 });
    assert.deepEqual(nothing.kind === 'events' && nothing.events, []);
    const future = await back.ok<JoinResult>('session:join', { sessionId, sinceSeq: 9999 });
    assert.equal(future.kind, 'state', 'an unknown future seq gets the whole state');

    const lateLt = await openLink(suite.t, link, 'admin');
    const late = await connect(suite.t, lateLt);
    open.push(late);
    const state: SessionState = await late.join(sessionId);
    assert.equal(state.seq, bSince + 3);
    assert.deepEqual(
      state.notes.map((x) => x.text),
      ['Muokattu poissa ollessa'],
    );
    assert.deepEqual(state.votes.totals, { [n.clientId]: 2 }, 'an administrator facilitates too');
    assert.equal(state.session.phase, 'gaps');
    assert.ok(state.me.facilitator);
  });

  it('closing reports completion for everyone who contributed and stops every change', async () => {
    const { sessionId, teacher, a, b } = await setup({ completionReporting: 'on' });
    const n = notePayload(sessionId);
    await a.ok('note:add', n);
    await b.ok('vote:cast', { sessionId, clientId: uuid(), noteId: n.clientId });
    const session = (await LiveSession.findByPk(sessionId))!;
    const before = await GradeOutbox.count({ where: { resourceLinkId: session.resourceLinkId! } });
    await teacher.ok('session:close', { sessionId, clientId: uuid() });
    await a.waitFor((h) => h.event === 'session:closed');
    const rows = await GradeOutbox.findAll({ where: { resourceLinkId: session.resourceLinkId! } });
    assert.equal(rows.length - before, 2, 'the note author and the voter, not the silent facilitator');
    assert.ok(
      rows.every(
        (r) =>
          r.activityProgress === 'Completed' &&
          r.gradingProgress === 'FullyGraded' &&
          r.scoreGiven === 1 &&
          r.scoreMaximum === 1,
      ),
    );
    await a.fails('note:add', notePayload(sessionId), 'session_closed');
    await teacher.fails('session:unlock', { sessionId, clientId: uuid(), scope: 'board' }, 'session_closed');
    assert.ok((await a.join(sessionId)).session.closed);
  });

  it('a template that allows it lets participants change each other’s notes', async () => {
    const { sessionId, a, b } = await setup({ template: 'free-board' });
    const n = notePayload(sessionId, { lane: 'board', column: 'ideas' });
    await a.ok('note:add', n);
    await b.ok('note:edit', { sessionId, clientId: uuid(), noteId: n.clientId, text: 'Jatkettu ajatus' });
    await b.ok('note:move', { sessionId, clientId: uuid(), noteId: n.clientId, lane: 'board', column: 'next-steps' });
    assert.deepEqual(
      (await a.join(sessionId)).notes.map((x) => [x.text, x.column]),
      [['Jatkettu ajatus', 'next-steps']],
    );
  });
});
