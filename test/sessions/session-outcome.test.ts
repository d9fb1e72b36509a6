import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { expectAccessible, launchBrowser, newCookielessPage, skipWithoutChromium } from '../helpers/browser';
import { LaunchSession, Practice, UserRegion } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { connect, notePayload, openLink, placeSession, sessionSuite, startSession, uuid } from './session-fixtures';

const FORMULA = '=HYPERLINK("http://evil.example","klikkaa")';

describe('Live sessions: the outcome page, its exports and publishing it to the board', () => {
  const suite = sessionSuite();
  const { open } = suite;

  /**
   * A session with notes in two lanes, one cluster and votes: Aino (trainee) writes two notes,
   * Elias (developer) one; the facilitator clusters Aino's first note; votes 3 / 1 / 0.
   */
  async function workshop(fields: Record<string, string> = {}, teacherRegion?: string) {
    const link = placeSession(suite.t);
    const teacherLt = await openLink(suite.t, link, 'teacher', { region: teacherRegion });
    const sessionId = await startSession(suite.t, teacherLt, { title: 'Palveluketju Pohjois-Karjalassa', ...fields });
    const [aLt, bLt] = [await openLink(suite.t, link, 'trainee'), await openLink(suite.t, link, 'developer')];
    const [teacher, a, b] = [
      await connect(suite.t, teacherLt),
      await connect(suite.t, aLt),
      await connect(suite.t, bLt),
    ];
    open.push(teacher, a, b);
    for (const p of [teacher, a, b]) await p.join(sessionId);
    const first = notePayload(sessionId, { lane: 'kela', column: 'assessment', text: 'Kelan ja TTH:n yhteinen arvio' });
    const second = notePayload(sessionId, { lane: 'health-care', column: 'concern', text: FORMULA, colour: 'blue' });
    const third = notePayload(sessionId, {
      lane: 'kela',
      column: 'assessment',
      text: 'Kuntoutustarve näkyy liian myöhään',
    });
    await a.ok('note:add', first);
    await a.ok('note:add', second);
    await b.ok('note:add', third);
    const clusterId = uuid();
    await teacher.ok('cluster:create', { sessionId, clientId: clusterId, label: 'Yhteinen arvio' });
    await teacher.ok('note:cluster', { sessionId, clientId: uuid(), noteId: first.clientId, clusterId });
    for (const [voter, note] of [
      [a, first],
      [a, first],
      [b, first],
      [b, third],
    ] as const)
      await voter.ok('vote:cast', { sessionId, clientId: uuid(), noteId: note.clientId });
    return { link, sessionId, teacher, teacherLt, aLt, bLt, notes: { first, second, third } };
  }

  const outcome = (sessionId: number, lt: string, suffix = '') =>
    suite.t.request().get(`/sessions/${sessionId}/outcome${suffix}?lt=${lt}`);

  it("groups notes by lane and by cluster in the viewer's language; votes only for the facilitator until revealed", async () => {
    const w = await workshop();
    const learner = await outcome(w.sessionId, w.aLt).expect(200);
    assert.match(learner.text, /<html lang="fi">/);
    for (const text of [
      'Kela',
      'Terveydenhuolto',
      'Työkyvyn arviointi',
      'Huoli työkyvystä herää',
      'Kelan ja TTH:n yhteinen arvio',
      'Yhteinen arvio',
      'Ei ryhmässä',
      'Aino Virtanen',
      'Elias Korhonen',
    ])
      assert.ok(learner.text.includes(text), text);
    assert.ok(
      learner.text.includes('&#x3D;HYPERLINK(&quot;http://evil.example&quot;'),
      'note text is escaped in the page',
    );
    assert.ok(!learner.text.includes('<th scope="col">Äänet</th>'), 'no vote column before the reveal');
    assert.ok(!learner.text.includes('outcome-votes'), 'no vote figures before the reveal');
    assert.ok(learner.text.includes('Fasilitaattori ei ole vielä julkaissut'));
    assert.ok(!learner.text.includes('id="publish-heading"'), 'learners are not offered publishing');
    // Kela's lane: the note with three votes before the one with one.
    const kela = learner.text.indexOf('Kelan ja TTH:n yhteinen arvio');
    assert.ok(kela > 0 && kela < learner.text.indexOf('Kuntoutustarve näkyy liian myöhään'));

    const facilitator = await outcome(w.sessionId, w.teacherLt).expect(200);
    assert.ok(facilitator.text.includes('<th scope="col">Äänet</th>'));
    assert.match(facilitator.text, /<td class="outcome-votes">3<\/td>/);
    assert.match(facilitator.text, /<td class="outcome-votes">1<\/td>/);
    assert.ok(facilitator.text.includes('id="publish-heading"'));

    await w.teacher.ok('votes:reveal', { sessionId: w.sessionId, clientId: uuid() });
    const revealed = await outcome(w.sessionId, w.aLt).expect(200);
    assert.match(revealed.text, /<td class="outcome-votes">3<\/td>/);

    const swedish = await outcome(w.sessionId, await openLink(suite.t, w.link, 'developer', { locale: 'sv' })).expect(
      200,
    );
    assert.match(swedish.text, /<html lang="sv">/);
    for (const text of ['FPA', 'Bedömning av arbetsförmågan', 'Lappar per grupp', 'Inte i någon grupp'])
      assert.ok(swedish.text.includes(text), text);
  });

  it('exports Markdown (headings per lane, bullets with votes) and CSV (one row per note, formulas defused)', async () => {
    const w = await workshop();
    const md = await outcome(w.sessionId, w.teacherLt, '.md').expect(200);
    assert.match(String(md.headers['content-type']), /^text\/markdown; charset=utf-8/);
    assert.match(
      String(md.headers['content-disposition']),
      /^attachment; filename="palveluketju-pohjois-karjalassa-\d+\.md"$/,
    );
    assert.match(md.text, /^# Palveluketju Pohjois-Karjalassa\n/);
    assert.match(
      md.text,
      /\n## Kela\n\n### Työkyvyn arviointi\n\n- Kelan ja TTH:n yhteinen arvio \(ryhmä: Yhteinen arvio, 3 ääntä, Aino Virtanen\)\n- Kuntoutustarve näkyy liian myöhään \(1 ääni, Elias Korhonen\)\n/,
    );
    assert.match(
      md.text,
      /\n## Terveydenhuolto\n\n### Huoli työkyvystä herää\n\n- =HYPERLINK\("http:\/\/evil.example","klikkaa"\) \(0 ääntä, Aino Virtanen\)\n/,
    );
    assert.match(
      md.text,
      /\n## Laput ryhmittäin\n\n### Yhteinen arvio\n\n- Kelan ja TTH:n yhteinen arvio \(Kela \/ Työkyvyn arviointi, 3 ääntä, Aino Virtanen\)\n/,
    );

    const csv = await outcome(w.sessionId, w.teacherLt, '.csv').expect(200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    const rows = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    assert.deepEqual(rows, [
      'Kaista,Sarake,Ryhmä,Lappu,Väri,Äänet,Kirjoittaja',
      'Terveydenhuolto,Huoli työkyvystä herää,,"\'=HYPERLINK(""http://evil.example"",""klikkaa"")",sininen,0,Aino Virtanen',
      'Kela,Työkyvyn arviointi,Yhteinen arvio,Kelan ja TTH:n yhteinen arvio,keltainen,3,Aino Virtanen',
      'Kela,Työkyvyn arviointi,,Kuntoutustarve näkyy liian myöhään,keltainen,1,Elias Korhonen',
    ]);

    // A participant before the reveal: the same notes, no votes anywhere.
    const learnerCsv = (await outcome(w.sessionId, w.bLt, '.csv').expect(200)).text
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    assert.equal(learnerCsv[0], 'Kaista,Sarake,Ryhmä,Lappu,Väri,Kirjoittaja');
    assert.ok(!/\d+ (ääni|ääntä)\b/.test((await outcome(w.sessionId, w.bLt, '.md').expect(200)).text));
  });

  it('never names the writers of an anonymous session: not on the page, in Markdown or in CSV', async () => {
    const w = await workshop({ anonymous: 'on' });
    for (const lt of [w.teacherLt, w.aLt]) {
      const page = await outcome(w.sessionId, lt).expect(200);
      const md = await outcome(w.sessionId, lt, '.md').expect(200);
      const csv = await outcome(w.sessionId, lt, '.csv').expect(200);
      assert.ok(
        page.text.includes('Kelan ja TTH:n yhteinen arvio') &&
          md.text.includes('Kelan ja TTH:n yhteinen arvio') &&
          csv.text.includes('Kelan ja TTH:n yhteinen arvio'),
      );
      for (const text of [page.text, md.text, csv.text])
        for (const name of ['Aino', 'Virtanen', 'Elias', 'Korhonen'])
          assert.ok(!text.includes(name), `${name} revealed`);
      assert.ok(!csv.text.includes('Kirjoittaja') && !page.text.includes('Kirjoittaja'), 'no writer column at all');
    }
  });

  it("refuses another course's session, unknown ids and requests without a launch", async () => {
    const w = await workshop();
    const otherLink = suite.t.devPlatform.placeLink({
      courseId: '2',
      title: 'Toinen verstas',
      custom: { target: 'session' },
    }).id;
    const outsider = await openLink(suite.t, otherLink, 'teacher', { courseId: '2' });
    const before = await Practice.count();
    for (const suffix of ['', '.md', '.csv']) {
      const refused = await outcome(w.sessionId, outsider, suffix).set('Accept', 'application/json').expect(404);
      assert.equal(refused.body.error.code, 'session_not_found');
    }
    const published = await suite.t
      .request()
      .post(`/sessions/${w.sessionId}/outcome/publish`)
      .type('form')
      .set('Accept', 'application/json')
      .send({ lt: outsider, region: 'kainuu' })
      .expect(404);
    assert.equal(published.body.error.code, 'session_not_found');
    for (const id of ['999999', 'abc', '0', '-1', '1e3']) {
      const unknown = await suite.t
        .request()
        .get(`/sessions/${id}/outcome?lt=${w.teacherLt}`)
        .set('Accept', 'application/json')
        .expect(404);
      assert.equal(unknown.body.error.code, 'session_not_found', id);
    }
    await suite.t.request().get(`/sessions/${w.sessionId}/outcome.txt?lt=${w.teacherLt}`).expect(404);
    await suite.t.request().get(`/sessions/${w.sessionId}/outcome`).expect(401);
    assert.equal(await Practice.count(), before, 'nothing was published');
  });

  it("publishes a draft practice for the facilitator's region, seen only by its author until published", async () => {
    const w = await workshop({}, 'pohjois-karjala');
    const before = await Practice.count();
    // A participant may not publish: 403 and nothing made.
    const learner = await suite.t
      .request()
      .post(`/sessions/${w.sessionId}/outcome/publish`)
      .type('form')
      .set('Accept', 'application/json')
      .send({ lt: w.aLt })
      .expect(403);
    assert.equal(learner.body.error.code, 'facilitator_only');
    assert.equal(await Practice.count(), before);

    const response = await suite.t
      .request()
      .post(`/sessions/${w.sessionId}/outcome/publish`)
      .type('form')
      .send({ lt: w.teacherLt })
      .expect(303);
    const match = new RegExp(`^/board/practices/(\\d+)/edit\\?lt=${w.teacherLt}$`).exec(
      String(response.headers.location),
    );
    assert.ok(match, String(response.headers.location));
    const draft = await Practice.findByPk(Number(match[1]));
    assert.ok(draft);
    const teacherSession = await LaunchSession.findByPk(w.teacherLt);
    assert.deepEqual(
      [draft.status, draft.regionCode, draft.title, draft.language, draft.authorId],
      ['draft', 'pohjois-karjala', 'Palveluketju Pohjois-Karjalassa', 'fi', teacherSession!.userId],
    );
    assert.deepEqual(JSON.parse(draft.actors), ['health-care', 'kela']);
    assert.deepEqual(JSON.parse(draft.themes), ['service-chain']);
    assert.match(
      draft.whatWasDone,
      /\*\*Kela\*\*\n\n- Työkyvyn arviointi: Kelan ja TTH:n yhteinen arvio \(3 ääntä\)\n- Työkyvyn arviointi: Kuntoutustarve näkyy liian myöhään \(1 ääni\)/,
    );
    assert.ok(!/Aino|Elias/.test(`${draft.summary} ${draft.need} ${draft.whatWasDone}`), 'the draft names no writers');

    const form = await suite.t.request().get(String(response.headers.location)).expect(200);
    assert.match(form.text, /<option value="draft" selected>Luonnos \(näkyy vain sinulle\)<\/option>/);
    assert.ok(form.text.includes('Palveluketju Pohjois-Karjalassa'));

    // Others do not see the draft: not its page, not the listing, not the region page.
    const boardLink = suite.t.devPlatform.placeLink({
      courseId: '3',
      title: 'Vertaisoppiminen',
      custom: { target: 'board', region: 'pirkanmaa' },
    }).id;
    const reader = await openLink(suite.t, boardLink, 'developer');
    const teacherBoard = await openLink(suite.t, boardLink, 'teacher');
    await suite.t.request().get(`/board/practices/${draft.id}?lt=${reader}`).expect(404);
    const shows = async (lt: string, path: string) =>
      (
        await suite.t
          .request()
          .get(`${path}${path.includes('?') ? '&' : '?'}lt=${lt}`)
          .expect(200)
      ).text.includes(`/board/practices/${draft.id}?lt=`);
    assert.equal(await shows(reader, '/board?sort=newest'), false);
    assert.equal(await shows(reader, '/board/regions/pohjois-karjala'), false);
    assert.equal(await shows(teacherBoard, '/board?sort=newest'), true, 'its author sees it');
    assert.equal(await shows(teacherBoard, '/board/regions/pohjois-karjala'), true);

    // The author publishes by choosing a status in the edit form; then everyone sees it.
    const body = new URLSearchParams({
      lt: w.teacherLt,
      title: draft.title,
      summary: draft.summary,
      need: draft.need,
      whatWasDone: draft.whatWasDone,
      results: '',
      status: 'pilot',
      language: 'fi',
      region: 'pohjois-karjala',
      links: '',
    });
    await suite.t.request().post(`/board/practices/${draft.id}`).type('form').send(body.toString()).expect(303);
    assert.equal((await draft.reload()).status, 'pilot');
    await suite.t.request().get(`/board/practices/${draft.id}?lt=${reader}`).expect(200);
    assert.equal(await shows(reader, '/board?sort=newest'), true);
  });

  it('asks a facilitator without a region to choose one, and refuses a publish without it', async () => {
    const w = await workshop();
    const teacher = await LaunchSession.findByPk(w.teacherLt);
    await UserRegion.destroy({ where: { userId: teacher!.userId } });
    const page = await outcome(w.sessionId, w.teacherLt).expect(200);
    assert.match(page.text, /<label for="publish-region">Oma hyvinvointialueesi<\/label>/);
    assert.match(page.text, /<option value="kainuu">Kainuun hyvinvointialue[^<]*<\/option>/);

    const before = await Practice.count();
    const publish = (fields: Record<string, string>) =>
      suite.t
        .request()
        .post(`/sessions/${w.sessionId}/outcome/publish`)
        .type('form')
        .set('Accept', 'application/json')
        .send({ lt: w.teacherLt, ...fields });
    assert.equal((await publish({ region: '' }).expect(400)).body.error.code, 'session_outcome_region_required');
    assert.equal((await publish({ region: 'atlantis' }).expect(404)).body.error.code, 'region_not_found');
    assert.equal((await publish({ region: 'Kainuu!' }).expect(400)).body.error.code, 'validation_failed');
    assert.equal((await publish({ region: 'kainuu', extra: 'x' }).expect(400)).body.error.code, 'validation_failed');
    assert.equal(await Practice.count(), before, 'nothing was published');
    assert.equal(await UserRegion.count({ where: { userId: teacher!.userId } }), 0, 'no region was stored');

    await publish({ region: 'kainuu' }).expect(303);
    assert.equal(await Practice.count(), before + 1);
    assert.equal(
      (await UserRegion.findByPk(teacher!.userId))?.regionCode,
      'kainuu',
      "the choice is the facilitator's board region from now on",
    );
    const again = await outcome(w.sessionId, w.teacherLt).expect(200);
    assert.ok(!again.text.includes('publish-region'), 'not asked again');
  });
});

describe('Browser: the outcome page is accessible, fits a phone and prints without the page chrome', function () {
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('passes axe at desktop and 360 px, offers printing, and hides header, exports and publishing on paper', async () => {
    const link = placeSession(t);
    const teacherLt = await openLink(t, link, 'teacher', { region: 'pohjois-karjala' });
    const sessionId = await startSession(t, teacherLt);
    const teacher = await connect(t, teacherLt);
    try {
      await teacher.join(sessionId);
      await teacher.ok('note:add', notePayload(sessionId, { text: 'Yhteinen arvio ensimmäisellä käynnillä' }));
    } finally {
      teacher.socket.disconnect();
    }
    const { context, page } = await newCookielessPage(browser);
    try {
      await page.goto(`${t.baseUrl}/sessions/${sessionId}/outcome?lt=${teacherLt}`);
      await page.getByText('Yhteinen arvio ensimmäisellä käynnillä').first().waitFor();
      await expectAccessible(page, 'the outcome page');
      assert.equal(
        await page.locator('button[data-print]').isVisible(),
        true,
        'the print button is shown when scripts run',
      );
      await page.setViewportSize({ width: 360, height: 740 });
      await expectAccessible(page, 'the outcome page at 360 px');
      assert.ok(
        await page.evaluate(() => document.documentElement.scrollWidth <= 360),
        'no sideways scrolling of the page at 360 px (the tables scroll in their own boxes)',
      );
      await page.emulateMedia({ media: 'print' });
      for (const selector of ['.site-header', '.outcome-actions', '.outcome-publish'])
        assert.equal(await page.locator(selector).isVisible(), false, `${selector} on paper`);
      assert.equal(await page.locator('.outcome-table').first().isVisible(), true);
    } finally {
      await context.close();
    }
  });
});
