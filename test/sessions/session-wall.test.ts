import assert from 'node:assert/strict';
import { notePayload, sessionSuite, uuid } from './session-fixtures';

// Issue 17: what the wall needs from the server: group names that stay distinct, and the
// session page's links to its outcome and to the presenter view.
describe('Live session wall: group names and the page links', function () {
  this.timeout(30_000);
  const s = sessionSuite();

  it('refuses a group name the session already has (case and spaces aside), in the user language; renaming a group to its own name in another case works', async () => {
    const { sessionId, a, b } = await s.setup();
    const first = uuid();
    await a.ok('cluster:create', { sessionId, clientId: first, label: 'Yhteinen arvio' });
    const before = b.heard.length;
    const ack = await b.send('cluster:create', { sessionId, clientId: uuid(), label: '  yhteinen   ARVIO ' });
    assert.ok('error' in ack);
    assert.equal(ack.error.code, 'cluster_name_taken');
    assert.equal(ack.error.message, 'Ryhmä nimeltä yhteinen   ARVIO on jo olemassa. Valitse toinen nimi.');
    const second = uuid();
    await b.ok('cluster:create', { sessionId, clientId: second, label: 'Paluu työhön' });
    await b.fails(
      'cluster:rename',
      { sessionId, clientId: uuid(), clusterId: second, label: 'yhteinen arvio' },
      'cluster_name_taken',
    );
    await a.ok('cluster:rename', { sessionId, clientId: uuid(), clusterId: first, label: 'YHTEINEN arvio' });
    // A deleted group's name is free again.
    await a.ok('cluster:delete', { sessionId, clientId: uuid(), clusterId: second });
    await a.ok('cluster:create', { sessionId, clientId: uuid(), label: 'Paluu työhön' });
    assert.equal(
      b
        .events(before)
        .filter(
          (h) => h.event === 'cluster:created' && (h.payload.cluster as { label: string }).label.includes('ARVIO'),
        ).length,
      0,
      'the refused group was never broadcast',
    );
  });

  it("hides a note's badge row until it has a badge (a group or votes), without a :has() rule", async () => {
    const { sessionId, a } = await s.setup();
    const add = notePayload(sessionId);
    await a.ok('note:add', add);
    const badges = async () =>
      /<p class="session-note-badges" id="note-[^"]+-badges"( hidden)?>/.exec(
        (await s.t.request().get(`/sessions/${sessionId}?lt=${a.lt}`).expect(200)).text,
      )?.[1];
    assert.equal(await badges(), ' hidden', 'no group, no votes: hidden');
    const clusterId = uuid();
    await a.ok('cluster:create', { sessionId, clientId: clusterId, label: 'Yhteinen arvio' });
    await a.ok('note:cluster', { sessionId, clientId: uuid(), noteId: add.clientId, clusterId });
    assert.equal(await badges(), undefined, 'in a group: shown');
  });

  it('gives each lane and cell a height estimate from its notes, for the browser to use until it has drawn them', async () => {
    const { sessionId, a } = await s.setup();
    const estimates = async () => {
      const html = (await s.t.request().get(`/sessions/${sessionId}?lt=${a.lt}`).expect(200)).text;
      const of = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => Number(m[1]));
      return {
        lanes: of(/<section class="session-lane" data-lane="[^"]+" data-estimate="(\d+)"/g),
        cells: of(/<div class="session-cell" [^>]*data-estimate="(\d+)">/g),
      };
    };
    const empty = await estimates();
    assert.ok(empty.lanes.length > 1 && empty.cells.length > empty.lanes.length);
    assert.ok(
      empty.cells.every((rem) => rem === 4),
      'an empty cell: its min-height',
    );
    // Three notes in one cell (Kela / assessment): that cell and its lane grow, the rest do not.
    for (let i = 0; i < 3; i++) await a.ok('note:add', notePayload(sessionId, { text: 'Yhteinen suunnitelma' }));
    const filled = await estimates();
    const grown = filled.cells.filter((rem) => rem > 4);
    assert.equal(grown.length, 1, 'only the cell holding the notes');
    assert.equal(filled.lanes.filter((rem) => rem > 4).length, 1, 'only its lane');
    assert.equal(Math.max(...filled.lanes), grown[0], 'a lane is as tall as its tallest cell');
  });

  it('links the outcome for the facilitator at once and for participants once the session is closed; the facilitator gets the presenter view', async () => {
    const { sessionId, teacher, a } = await s.setup();
    await a.ok('note:add', notePayload(sessionId));
    const page = async (lt: string, query = '') =>
      (await s.t.request().get(`/sessions/${sessionId}?lt=${lt}${query}`).expect(200)).text
        .replaceAll('&#x3D;', '=')
        .replaceAll('&amp;', '&');
    const outcomeLink = `href="/sessions/${sessionId}/outcome?lt=`;
    const teacherPage = await page(teacher.lt);
    assert.ok(
      teacherPage.includes(`<li id="session-outcome-link"><a ${outcomeLink}${teacher.lt}">`),
      'the facilitator sees the outcome link',
    );
    assert.ok(teacherPage.includes(`<a href="/sessions/${sessionId}?lt=${teacher.lt}&present">Esitysnäkymä</a>`));
    const participantPage = await page(a.lt);
    assert.match(
      participantPage,
      /<li id="session-outcome-link" hidden>/,
      'a participant does not, while the session runs',
    );
    assert.doesNotMatch(participantPage, /Esitysnäkymä/);
    // The page's width and the presenter view's hidden site header come from the body's class
    // (no `:has()` on the session page: decision 0026).
    assert.match(teacherPage, /<body class="page-session">/);
    const present = await page(teacher.lt, '&present');
    assert.match(present, /<body class="page-session page-session--present">/);
    assert.match(present, /class="session session--present"/);
    assert.doesNotMatch(present, /id="session-toolbar"/);

    await teacher.ok('session:close', { sessionId, clientId: uuid() });
    assert.ok(
      (await page(a.lt)).includes(`<li id="session-outcome-link"><a ${outcomeLink}${a.lt}">`),
      'everyone once it is closed',
    );
  });
});
