import assert from 'node:assert/strict';
import { COURSE_MEMBERS } from '../../lti/dev-platform/demo-learners';
import type { ModulePack, PackStep } from '../../server/domain/modules/content-pack';
import { translator } from '../../server/i18n';
import { GradeOutbox, LaunchSession, ModuleAttempt, User } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { attemptOf as attemptOfHelper, rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';

const COURSE = '2';
const SLUG = 'work-ability-service-chain';
const fi = translator('fi');
/** A reflection with markup in it: the teacher must see the text, never the markup. */
const REFLECTION =
  'Alueellamme palveluketju katkeaa siirtymissä <img src=x onerror=alert(1)> & työterveyshuolto jää sivuun. '.repeat(5);

/** Text as Handlebars writes it into a page. */
const html = (text: string) =>
  text.replace(
    /[&<>"'`=]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!,
  );

/** Every `<tr id="learner-N">` of the progress table, by the name in its row header. */
function tableRows(html: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of html.matchAll(/<tr id="learner-\d+">([\s\S]*?)<\/tr>/g)) {
    const name = /<span class="person">([^<]*)<\/span>/.exec(m[1])![1];
    rows.set(name, m[1]);
  }
  return rows;
}

/** A small RFC 4180 reader, to check the export the way a spreadsheet reads it. */
function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}

describe('teacher view of a module link', () => {
  let t: TestSilta;
  let pack: ModulePack;
  let linkA: string;
  let linkB: string;
  let resourceLinkA: number;
  let resourceLinkB: number;
  let traineeLt: string;
  let aino: User;
  let elias: User;

  const open = async (persona: 'trainee' | 'developer' | 'teacher' | 'admin', link: string, locale = 'fi') =>
    (await launchSession(t, { persona, courseId: COURSE, resourceLinkId: link, locale })).lt;
  const resourceLinkOf = async (lt: string) => (await LaunchSession.findByPk(lt))!.resourceLinkId!;
  const post = (path: string, fields: Record<string, string | number>) =>
    t
      .request()
      .post(path)
      .type('form')
      .set('Accept', 'application/json')
      .send(new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString());
  const answer = async (lt: string, attempt: number, step: PackStep) =>
    t
      .request()
      .post(`/modules/steps/${step.id}`)
      .type('form')
      .send(
        new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...rightAnswer(step, REFLECTION)]).toString(),
      )
      .expect(303);
  const attemptOf = (lt: string) => attemptOfHelper(t, lt);
  const latestRow = async (user: User, resourceLinkId = resourceLinkA) =>
    (await GradeOutbox.findOne({ where: { userId: user.id, resourceLinkId }, order: [['id', 'DESC']] }))!;
  const failedRow = (user: User, resourceLinkId: number, lastError: string) =>
    GradeOutbox.create({
      issuer: t.devPlatform.issuer,
      clientId: t.devPlatform.clientId,
      resourceLinkId,
      userId: user.id,
      attemptId: null,
      lineItemUrl: null,
      lineitemsUrl: null,
      scoreGiven: 5,
      scoreMaximum: pack.scoreMaximum,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: new Date().toISOString(),
      status: 'failed',
      tries: 3,
      nextAttemptAt: new Date(),
      lastError,
      lastErrorCode: 'platform_rejected',
      sentAt: null,
    });

  before(async () => {
    t = await testSilta();
    pack = t.packs.get(SLUG)!;
    const a = t.devPlatform.placeGradedLink(
      { courseId: COURSE, title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    linkA = a.id;
    linkB = t.devPlatform.placeLink({
      courseId: COURSE,
      title: 'Toinen moduuli',
      custom: { target: 'module', module: SLUG },
    }).id;

    // The trainee finishes the module; the developer answers the first step only.
    traineeLt = await open('trainee', linkA);
    const attempt = await attemptOf(traineeLt);
    for (const step of pack.steps) await answer(traineeLt, attempt, step);
    await t.request().post('/modules/complete').type('form').send(`lt=${traineeLt}&attempt=${attempt}`).expect(303);
    const developerLt = await open('developer', linkA);
    await answer(developerLt, await attemptOf(developerLt), pack.steps[0]);

    resourceLinkA = await resourceLinkOf(traineeLt);
    resourceLinkB = await resourceLinkOf(await open('teacher', linkB));
    aino = (await User.findOne({ where: { issuer: t.devPlatform.issuer, sub: '101' } }))!;
    elias = (await User.findOne({ where: { issuer: t.devPlatform.issuer, sub: '102' } }))!;
  });

  afterEach(() => t.devPlatform.auth.clearFailures());

  it('shows the teacher every learner of the course from NRPS, with progress and grade state', async () => {
    const lt = await open('teacher', linkA);
    const overview = await t.request().get(`/modules?lt=${lt}`).expect(200);
    assert.ok(overview.text.includes(`href="/modules/progress?lt=${lt}"`), 'the overview links to the teacher view');

    const page = await t.request().get(`/modules/progress?lt=${lt}`).expect(200);
    assert.match(page.text, /<html lang="fi">/);
    assert.ok(!page.text.includes(html(fi('progress.source.nrps_failed'))), 'the roster came from NRPS');
    const rows = tableRows(page.text);
    const learners = COURSE_MEMBERS.filter((m) => m.nrpsRoles.includes('Learner'));
    assert.equal(rows.size, 27, 'the 27 learners of the 29 members');
    for (const l of learners)
      assert.ok(rows.has(`${l.givenName} ${l.familyName}`), `${l.givenName} ${l.familyName} listed`);
    assert.ok(!rows.has('Maria Lindqvist'), 'the teacher is not among the learners');
    assert.ok(page.text.includes(html(fi('progress.staff_note', { count: 2 }))));

    const finished = rows.get('Aino Virtanen')!;
    assert.ok(finished.includes(html(fi('progress.status.completed'))));
    assert.ok(finished.includes('aino.virtanen@example.fi'));
    assert.match(
      finished,
      /<td>100\u00a0%<\/td>\s*<td>100\u00a0%<\/td>/,
      'latest and best score, formatted for Finnish',
    );
    assert.ok(finished.includes(html(fi(`progress.grade.${(await latestRow(aino)).status}`))), 'grade sync state');
    const started = rows.get('Elias Korhonen')!;
    assert.ok(started.includes(html(fi('progress.status.in_progress'))));
    assert.ok(started.includes(html(fi('progress.steps_value', { done: 1, total: pack.steps.length }))));
    assert.ok(rows.get('Helmi Rautio')!.includes(html(fi('progress.status.not_started'))));
    assert.match(page.text, /<span class="count">1<\/span> suorittanut/);
    assert.match(page.text, /<span class="count">25<\/span> ei aloittanut/);

    // Reflections are there for the teacher, as text.
    assert.match(page.text, /<summary>Aino Virtanen /);
    assert.ok(
      page.text.includes('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; työterveyshuolto'),
      'the reflection, escaped',
    );
    assert.ok(!page.text.includes('<img src=x'));
  });

  it('shows a failed grade with the platform’s message, and "send again" puts it back in the queue', async () => {
    const row = await latestRow(aino);
    await row.update({
      status: 'failed',
      tries: 4,
      lastError: 'HTTP 400: User is not enrolled with a graded role <b>',
      lastErrorCode: 'platform_rejected',
    });
    const lt = await open('teacher', linkA);
    const page = await t.request().get(`/modules/progress?lt=${lt}`).expect(200);
    const aRow = tableRows(page.text).get('Aino Virtanen')!;
    assert.ok(aRow.includes(html(fi('progress.grade.failed'))));
    assert.ok(
      aRow.includes('<q>HTTP 400: User is not enrolled with a graded role &lt;b&gt;</q>'),
      'the platform’s words, escaped',
    );
    assert.ok(aRow.includes(`name="id" value="${row.id}"`), 'a send again button for the row');
    assert.ok(
      aRow.includes(
        `aria-label="${html(fi('progress.send_again_for', { name: 'Aino Virtanen' }))}">${html(fi('progress.send_again'))}</button>`,
      ),
      'the button names the learner',
    );

    const sent = await post('/modules/progress/retry', { lt, id: row.id }).expect(303);
    assert.equal(sent.headers.location, `/modules/progress?lt=${lt}&retried=1`);
    await row.reload();
    assert.equal(row.status, 'pending');
    assert.equal(row.tries, 0);
    assert.ok(row.nextAttemptAt.getTime() <= Date.now());
    const after = await t.request().get(sent.headers.location).expect(200);
    assert.ok(after.text.includes(html(fi('progress.retried', { count: 1 }))));
    assert.ok(
      tableRows(after.text)
        .get('Aino Virtanen')!
        .includes(html(fi('progress.grade.pending'))),
    );
  });

  it('"send all again" puts back every failed grade of this link and no other', async () => {
    await (await latestRow(aino)).update({ status: 'failed', lastError: 'HTTP 400: Bad Request' });
    const eliasRow = await failedRow(elias, resourceLinkA, 'HTTP 400: Bad Request');
    const elsewhere = await failedRow(aino, resourceLinkB, 'HTTP 400: Bad Request');
    const lt = await open('admin', linkA);
    const page = await t.request().get(`/modules/progress?lt=${lt}`).expect(200);
    assert.ok(page.text.includes(html(fi('progress.send_all_again', { count: 2 }))));
    await post('/modules/progress/retry-all', { lt }).expect(303);
    assert.equal((await latestRow(aino)).status, 'pending');
    assert.equal((await eliasRow.reload()).status, 'pending');
    assert.equal((await elsewhere.reload()).status, 'failed', 'a row of another link is untouched');
    assert.equal(await GradeOutbox.count({ where: { resourceLinkId: resourceLinkA, status: 'failed' } }), 0);
  });

  it('refuses a row of another link with 404 and changes nothing', async () => {
    const elsewhere = await failedRow(aino, resourceLinkB, 'HTTP 400: Bad Request');
    const lt = await open('teacher', linkA);
    const response = await post('/modules/progress/retry', { lt, id: elsewhere.id }).expect(404);
    assert.equal(response.body.error.code, 'grade_not_found');
    assert.equal((await elsewhere.reload()).status, 'failed');
    assert.equal((await elsewhere.reload()).tries, 3);
    await post('/modules/progress/retry', { lt, id: 2_000_000_000 }).expect(404);
    await post('/modules/progress/retry', { lt, id: 'abc' }).expect(400);
  });

  it('refuses a learner the page, the CSV and both retries', async () => {
    const mine = await failedRow(aino, resourceLinkA, 'HTTP 400: Bad Request');
    const overview = await t.request().get(`/modules?lt=${traineeLt}`).expect(200);
    assert.ok(!overview.text.includes('/modules/progress'), 'no link for a learner');
    const page = await t.request().get(`/modules/progress?lt=${traineeLt}`).expect(403);
    assert.ok(page.text.includes(html(fi('errors.forbidden'))));
    const csv = await t
      .request()
      .get(`/modules/progress.csv?lt=${traineeLt}`)
      .set('Accept', 'application/json')
      .expect(403);
    assert.equal(csv.body.error.code, 'forbidden');
    assert.equal(
      (await post('/modules/progress/retry', { lt: traineeLt, id: mine.id }).expect(403)).body.error.code,
      'forbidden',
    );
    assert.equal(
      (await post('/modules/progress/retry-all', { lt: traineeLt }).expect(403)).body.error.code,
      'forbidden',
    );
    assert.equal((await mine.reload()).status, 'failed');
    await t.request().get('/modules/progress?lt=not-a-session').expect(401);
  });

  it('exports CSV in the teacher’s language, quoted and safe from spreadsheet formulas', async () => {
    // Someone whose name and email a spreadsheet would run as formulas, with a finished attempt on link B.
    const evil = await User.create({
      issuer: t.devPlatform.issuer,
      sub: `evil-${Date.now()}`,
      name: '=HYPERLINK("http://evil.example","Klikkaa, "täältä"")',
      givenName: null,
      familyName: null,
      email: '@evil.example',
    });
    await ModuleAttempt.create({
      userId: evil.id,
      resourceLinkId: resourceLinkB,
      moduleSlug: SLUG,
      moduleVersion: pack.version,
      attemptNo: 1,
      status: 'completed',
      currentStep: pack.steps[0].id,
      scorePercent: 87.5,
      timeSpentSeconds: 600,
      completedAt: new Date(),
    });
    await failedRow(evil, resourceLinkB, '-1+1 platform said "no"');

    const lt = await open('teacher', linkB, 'sv');
    const response = await t.request().get(`/modules/progress.csv?lt=${lt}`).expect(200);
    assert.match(response.headers['content-type'], /^text\/csv; charset=utf-8/);
    assert.match(
      response.headers['content-disposition'],
      new RegExp(`^attachment; filename="silta-${SLUG}-progress-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    assert.ok(response.text.startsWith('\uFEFF'));
    assert.ok(
      response.text.includes('"\'=HYPERLINK(""http://evil.example"",""Klikkaa, ""täältä"""")"'),
      'quoted, quotes doubled, apostrophe first',
    );

    // Swedish: `;` between fields, a decimal comma in the score (decision 0011).
    const rows = parseCsv(response.text.slice(1), ';');
    const sv = translator('sv');
    assert.deepEqual(rows[0], [
      sv('progress.csv.name'),
      sv('progress.csv.email'),
      sv('progress.csv.status'),
      sv('progress.csv.steps_done', { total: pack.steps.length }),
      sv('progress.csv.score'),
      sv('progress.csv.best_score'),
      sv('progress.csv.time_spent'),
      sv('progress.csv.attempts'),
      sv('progress.csv.grade_state'),
      sv('progress.csv.last_error'),
    ]);
    assert.equal(rows.length, 1 + 27 + 1, 'a header, the learners, and the one not on the roster');
    assert.ok(rows.every((r) => r.length === 10));
    const row = rows.find((r) => r[0].includes('HYPERLINK'))!;
    assert.deepEqual(row, [
      '\'=HYPERLINK("http://evil.example","Klikkaa, "täältä"")',
      "'@evil.example",
      sv('progress.status.completed'),
      String(pack.steps.length),
      '87,5',
      '87,5',
      '10',
      '1',
      sv('progress.grade.failed'),
      '\'-1+1 platform said "no"',
    ]);
    const helmi = rows.find((r) => r[0] === 'Helmi Rautio')!;
    assert.deepEqual(helmi.slice(2, 9), [
      sv('progress.status.not_started'),
      '0',
      '',
      '',
      '0',
      '0',
      sv('progress.grade.none'),
    ]);
    for (const cell of rows.flat()) assert.doesNotMatch(cell, /^[=+\-@]/, 'no cell starts a formula');
  });

  it('falls back to the people Silta knows in the course when NRPS fails, and says so', async () => {
    const lt = await open('teacher', linkA, 'en');
    t.devPlatform.failNext({ status: 503 });
    const page = await t.request().get(`/modules/progress?lt=${lt}`).expect(200);
    const en = translator('en');
    assert.ok(page.text.includes(html(en('progress.source.nrps_failed'))));
    const rows = tableRows(page.text);
    assert.ok(rows.get('Aino Virtanen')!.includes(html(en('progress.status.completed'))));
    assert.ok(rows.get('Elias Korhonen')!.includes(html(en('progress.status.in_progress'))));
    assert.ok(!rows.has('Helmi Rautio'), 'a member who never opened Silta is not known without NRPS');
    assert.ok(!rows.has('Maria Lindqvist'), 'teachers stay out of the list');

    // The platform is back: the whole roster again.
    const again = await t.request().get(`/modules/progress?lt=${lt}`).expect(200);
    assert.ok(!again.text.includes(html(en('progress.source.nrps_failed'))));
    assert.equal(tableRows(again.text).size, 27);
  });
});
