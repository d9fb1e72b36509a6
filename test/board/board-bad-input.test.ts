import assert from 'node:assert/strict';
import { BoardModerationLog, Practice, PracticeAdoption, PracticeComment } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard, practiceForm } from './board-fixtures';

const SCRIPT =
  '<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">a</a>[klik](javascript:alert(3))';

/** True when the page holds something a browser would run. */
// Silta's own bundled scripts (the live board) are the only script tags a page may have.
const runnable = (html: string) =>
  /<script(?! src="\/public\/js\/[a-z-]+\.js" defer><\/script>)[\s>]|<img\b|<a\s[^>]*href="\s*javascript:|<[a-z][^<>]*\son\w+\s*=/i.test(
    html,
  );

describe('the board refuses bad input and changes nothing', () => {
  let t: TestSilta;
  let karelia: string;
  let pirkanmaa: string;
  before(async () => {
    t = await testSilta();
    karelia = placeBoard(t, { region: 'pohjois-karjala' });
    pirkanmaa = placeBoard(t, { region: 'pirkanmaa' });
  });
  const json = (path: string, body: string) =>
    t.request().post(path).type('form').set('Accept', 'application/json').send(body);

  it('renders script and HTML in every text field inert', async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const teacher = await openBoard(t, karelia, 'teacher');
    const id = await createPractice(t, author, {
      title: SCRIPT.slice(0, 190),
      summary: SCRIPT,
      need: SCRIPT,
      whatWasDone: SCRIPT,
      results: SCRIPT,
    });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: SCRIPT }))
      .expect(303);
    const comment = await PracticeComment.findOne({ where: { practiceId: id } });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: SCRIPT, parent: String(comment!.id) }))
      .expect(303);
    const adopter = await openBoard(t, pirkanmaa, 'developer');
    await t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .send(form(adopter, { note: SCRIPT }))
      .expect(303);
    await t
      .request()
      .post(`/board/practices/${id}/comments/${comment!.id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'hide', reason: SCRIPT }))
      .expect(303);
    const pages = [
      `/board/practices/${id}?lt=${author}`,
      `/board/practices/${id}?lt=${teacher}`,
      `/board/practices/${id}/edit?lt=${author}`,
      `/board?lt=${author}&q=${encodeURIComponent('<script>')}`,
      `/board/regions/pohjois-karjala?lt=${author}`,
      `/board/regions/pirkanmaa?lt=${author}`,
      `/board/moderation?lt=${teacher}`,
    ];
    for (const path of pages) {
      const page = await t.request().get(path).expect(200);
      assert.ok(page.text.includes('&lt;script&gt;') || page.text.includes('&amp;lt;script'), `${path} shows the text`);
      assert.ok(!runnable(page.text), `${path} has runnable markup`);
    }
    // A link that is not http(s) is refused outright.
    const bad = await json('/board/practices', practiceForm(author, { links: 'javascript:alert(1)' })).expect(400);
    assert.equal(bad.body.error.code, 'validation_failed');
  });

  it('refuses oversize fields with a message naming the field', async () => {
    const lt = await openBoard(t, karelia, 'trainee', { locale: 'en' });
    const before = await Practice.count();
    for (const [field, value] of [
      ['title', 'x'.repeat(201)],
      ['summary', 'x'.repeat(1001)],
      ['need', 'x'.repeat(10_001)],
      ['whatWasDone', 'x'.repeat(10_001)],
      ['results', 'x'.repeat(10_001)],
      ['links', Array.from({ length: 11 }, (_, i) => `https://example.fi/${i}`).join('\n')],
    ]) {
      const response = await json('/board/practices', practiceForm(lt, { [field]: value })).expect(400);
      if (field === 'links') {
        // A list is too long in entries, not characters.
        assert.equal(response.body.error.code, 'board_field_too_many', field);
        assert.equal(response.body.error.message, 'The field "Links" has too many entries: at most 10.');
      } else {
        assert.equal(response.body.error.code, 'board_field_too_long', field);
        assert.match(response.body.error.message, /too long: at most \d+ characters\.$/, field);
      }
    }
    assert.equal(await Practice.count(), before);
    const id = await createPractice(t, lt);
    assert.equal(
      (await json(`/board/practices/${id}/comments`, form(lt, { body: 'x'.repeat(4001) })).expect(400)).body.error.code,
      'board_field_too_long',
    );
    assert.equal(
      (await json(`/board/practices/${id}/adopt`, form(lt, { note: 'x'.repeat(1001) })).expect(400)).body.error.code,
      'board_field_too_long',
    );
    assert.equal(await PracticeComment.count({ where: { practiceId: id } }), 0);
    assert.equal(await PracticeAdoption.count({ where: { practiceId: id } }), 0);
    // A page for an oversize field tells it in the user's language.
    const page = await t
      .request()
      .post('/board/practices')
      .type('form')
      .send(practiceForm(lt, { title: 'x'.repeat(201) }))
      .expect(400);
    assert.ok(
      page.text.includes('Title is too long: write at most 200 characters.'),
      'the form names the field and its limit',
    );
  });

  it('refuses an unknown region, theme, actor, status or board', async () => {
    const lt = await openBoard(t, karelia, 'trainee');
    const before = await Practice.count();
    assert.equal(
      (await json('/board/practices', practiceForm(lt, { region: 'atlantis' })).expect(400)).body.error.code,
      'region_not_found',
    );
    for (const fields of [
      { themes: ['no-such-theme'] },
      { actors: ['wizards'] },
      { status: 'done' },
      { language: 'de' },
      { region: '../etc' },
    ]) {
      assert.equal(
        (await json('/board/practices', practiceForm(lt, fields)).expect(400)).body.error.code,
        'validation_failed',
        JSON.stringify(fields),
      );
    }
    assert.equal(await Practice.count(), before);
    await t.request().get(`/board?lt=${lt}&theme=no-such-theme`).expect(400);
    await t.request().get(`/board?lt=${lt}&region=atlantis`).expect(404);
    await t.request().get(`/board/regions/atlantis?lt=${lt}`).expect(404);
    const badBoard = placeBoard(t, { region: 'pirkanmaa', board: 'Ei Kelpaa!' });
    const inBad = await openBoard(t, badBoard, 'trainee');
    const refused = await t.request().get(`/board?lt=${inBad}`).set('Accept', 'application/json').expect(404);
    assert.equal(refused.body.error.code, 'board_not_found');
    await json('/board/practices', practiceForm(inBad)).expect(404);
    assert.equal(await Practice.count(), before);
  });

  it("keeps boards apart: another platform's or another board's practice is not found", async () => {
    const lt = await openBoard(t, karelia, 'trainee');
    const mine = await createPractice(t, lt, { title: 'Oman taulun käytäntö' });
    const row = (await Practice.findByPk(mine))!;
    const foreign = await Practice.create({
      issuer: 'https://other-moodle.example',
      boardKey: 'default',
      authorId: row.authorId,
      regionCode: 'kainuu',
      title: 'Vieraan alustan käytäntö',
      summary: 's',
      need: 'n',
      whatWasDone: 'w',
      results: '',
      actors: '[]',
      themes: '[]',
      links: '[]',
      status: 'idea',
      language: 'fi',
    });
    const missing = await t
      .request()
      .get(`/board/practices/${foreign.id}?lt=${lt}`)
      .set('Accept', 'application/json')
      .expect(404);
    assert.equal(missing.body.error.code, 'practice_not_found');
    await json(`/board/practices/${foreign.id}/comments`, form(lt, { body: 'hei' })).expect(404);
    await json(`/board/practices/${foreign.id}/useful`, form(lt)).expect(404);
    assert.ok(
      !(
        await t
          .request()
          .get(`/board?lt=${lt}&q=${encodeURIComponent('Vieraan alustan')}`)
          .expect(200)
      ).text.includes('Vieraan alustan käytäntö'),
    );
    assert.ok(
      !(await t.request().get(`/board/regions/kainuu?lt=${lt}`).expect(200)).text.includes('Vieraan alustan käytäntö'),
    );
    // A course can name its own board; it does not see the default one.
    const named = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala', board: 'pilotit' }), 'trainee');
    await t.request().get(`/board/practices/${mine}?lt=${named}`).expect(404);
    const inNamed = await createPractice(t, named, { title: 'Pilottitaulun käytäntö' });
    assert.equal((await Practice.findByPk(inNamed))!.boardKey, 'pilotit');
    await t.request().get(`/board/practices/${inNamed}?lt=${lt}`).expect(404);
    await t
      .request()
      .get('/board/practices/abc?lt=' + lt)
      .expect(404);
  });

  it('lets a teacher hide and restore with a reason, logs only real actions, and refuses a learner', async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const learner = await openBoard(t, pirkanmaa, 'developer');
    const teacher = await openBoard(t, karelia, 'teacher');
    const tag = `moderoitava-${Date.now()}`;
    const id = await createPractice(t, author, { title: tag });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Kommentti' }))
      .expect(303);
    const comment = (await PracticeComment.findOne({ where: { practiceId: id } }))!;
    const logRows = () => BoardModerationLog.count({ where: { targetId: [id, comment.id] } });

    for (const path of [`/board/practices/${id}/moderate`, `/board/practices/${id}/comments/${comment.id}/moderate`]) {
      const refused = await json(path, form(learner, { action: 'hide', reason: 'Ei sovi' })).expect(403);
      assert.equal(refused.body.error.code, 'forbidden');
    }
    assert.equal((await Practice.findByPk(id))!.hiddenAt, null);
    assert.equal((await PracticeComment.findByPk(comment.id))!.hiddenAt, null);
    assert.equal(await logRows(), 0);
    await t.request().get(`/board/moderation?lt=${learner}`).expect(403);
    assert.equal(
      (await json(`/board/practices/${id}/moderate`, form(teacher, { action: 'hide', reason: '' })).expect(400)).body
        .error.code,
      'validation_failed',
    );

    await json(
      `/board/practices/${id}/moderate`,
      form(teacher, { action: 'hide', reason: 'Sisältää henkilötietoja' }),
    ).expect(303);
    await json(`/board/practices/${id}/moderate`, form(teacher, { action: 'hide', reason: 'Toistamiseen' })).expect(
      303,
    );
    assert.equal(await logRows(), 1, 'hiding what is hidden logs nothing');
    const log = (await BoardModerationLog.findOne({ where: { targetId: id, targetType: 'practice' } }))!;
    assert.deepEqual([log.action, log.reason], ['hide', 'Sisältää henkilötietoja']);
    // Hidden: gone for other learners, visible to its author and the teacher with the reason.
    await t.request().get(`/board/practices/${id}?lt=${learner}`).expect(404);
    assert.ok(
      !(await t.request().get(`/board?lt=${learner}&q=${tag}`).expect(200)).text.includes(`/board/practices/${id}?`),
    );
    assert.ok(
      (await t.request().get(`/board/practices/${id}?lt=${author}`).expect(200)).text.includes(
        'Sisältää henkilötietoja',
      ),
    );
    assert.ok(
      (await t.request().get(`/board?lt=${teacher}&q=${tag}`).expect(200)).text.includes(`/board/practices/${id}?`),
    );
    await json(`/board/practices/${id}/comments`, form(author, { body: 'Piilotettuun' })).expect(409);

    await json(`/board/practices/${id}/moderate`, form(teacher, { action: 'restore', reason: 'Korjattu' })).expect(303);
    await t.request().get(`/board/practices/${id}?lt=${learner}`).expect(200);
    await json(
      `/board/practices/${id}/comments/${comment.id}/moderate`,
      form(teacher, { action: 'hide', reason: 'Asiaton' }),
    ).expect(303);
    const seen = await t.request().get(`/board/practices/${id}?lt=${learner}`).expect(200);
    assert.ok(!seen.text.includes('<p>Kommentti</p>'), 'a hidden comment is not shown to others');
    assert.equal(await logRows(), 3);
    const logPage = await t.request().get(`/board/moderation?lt=${teacher}`).expect(200);
    assert.ok(logPage.text.includes('Sisältää henkilötietoja') && logPage.text.includes('Asiaton'));
  });

  it("refuses deleting someone else's comment", async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const other = await openBoard(t, pirkanmaa, 'developer');
    const id = await createPractice(t, author);
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Oma kommentti' }))
      .expect(303);
    const comment = (await PracticeComment.findOne({ where: { practiceId: id } }))!;
    await json(`/board/practices/${id}/comments/${comment.id}/delete`, form(other)).expect(403);
    assert.ok(await PracticeComment.findByPk(comment.id));
    await json(`/board/practices/${id}/comments/${comment.id}/delete`, form(author)).expect(303);
    assert.equal(await PracticeComment.findByPk(comment.id), null);
    assert.equal((await Practice.findByPk(id))!.commentCount, 0);
  });
});
