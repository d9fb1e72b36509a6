import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { BoardModerationLog, PracticeComment } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard } from './board-fixtures';

const en = translator('en');
/** A page's HTML with handlebars' attribute escapes undone, to compare links. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('the moderation log over HTTP', () => {
  let t: TestSilta;
  const board = `modlog-${Date.now()}`;
  let author: string;
  let teacher: string;
  let practice: number;
  let comment: number;

  before(async function () {
    this.timeout(120_000);
    t = await testSilta();
    author = await openBoard(t, placeBoard(t, { region: 'kainuu', board }), 'developer');
    teacher = await openBoard(t, placeBoard(t, { board }), 'teacher', { locale: 'en' });
    practice = await createPractice(t, author, { title: 'Moderoitava käytäntö', region: 'kainuu' });
    await t
      .request()
      .post(`/board/practices/${practice}/comments`)
      .type('form')
      .send(form(author, { body: 'Kommentti' }))
      .expect(303);
    comment = (await PracticeComment.findOne({ where: { practiceId: practice } }))!.id;
    const moderate = (path: string, action: 'hide' | 'restore', reason: string) =>
      t.request().post(path).type('form').send(form(teacher, { action, reason })).expect(303);
    // 26 actions: one more than a page.
    for (let i = 0; i < 13; i++) {
      await moderate(`/board/practices/${practice}/comments/${comment}/moderate`, 'hide', `Piilotus ${i}`);
      await moderate(`/board/practices/${practice}/comments/${comment}/moderate`, 'restore', `Palautus ${i}`);
    }
  });

  it('says who, what, when in Finnish time with its zone, why, and links to the item, 25 a page', async () => {
    const first = { text: decoded((await t.request().get(`/board/moderation?lt=${teacher}`).expect(200)).text) };
    const rows = [...first.text.matchAll(/<tr>\s*<td data-label/g)];
    assert.equal(rows.length, 25);
    assert.ok(first.text.includes(en('board.log.summary', { count: 26 })));
    const newest = (await BoardModerationLog.findOne({ where: { boardKey: board }, order: [['id', 'DESC']] }))!;
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Helsinki',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(newest.createdAt);
    assert.ok(first.text.includes(`<time datetime="${newest.createdAt.toISOString()}">${local}</time>`), local);
    assert.match(local, /EES?T|GMT\+[23]/, 'the zone is named');
    assert.ok(first.text.includes(en('board.log.did.restore_comment')));
    assert.ok(
      first.text.includes(`href="/board/practices/${practice}?lt=${teacher}#comment-${comment}"`),
      'links to the comment',
    );
    assert.ok(first.text.includes('Palautus 12'));
    assert.ok(
      /Elias|Maria|Teacher|[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+/.test(first.text.slice(first.text.indexOf('<tbody>'))),
      'a name',
    );
    assert.ok(
      first.text.includes(`href="/board/moderation?lt=${encodeURIComponent(teacher)}&page=2" rel="next"`),
      'a link to the next page',
    );
    const second = await t.request().get(`/board/moderation?lt=${teacher}&page=2`).expect(200);
    assert.equal([...second.text.matchAll(/<tr>\s*<td data-label/g)].length, 1);
    assert.ok(second.text.includes('Piilotus 0'), 'the oldest action is last');
  });

  it('says an item was deleted instead of linking to it', async () => {
    await t
      .request()
      .post(`/board/practices/${practice}/comments/${comment}/delete`)
      .type('form')
      .send(form(author))
      .expect(303);
    const page = await t.request().get(`/board/moderation?lt=${teacher}`).expect(200);
    assert.ok(!page.text.includes(`#comment-${comment}"`));
    assert.ok(page.text.includes(en('board.log.gone', { id: comment })));
  });

  it('refuses a bad page number and a learner, changing nothing', async () => {
    const before = await BoardModerationLog.count();
    for (const bad of ['0', '-1', 'abc', '1.5', '9999999']) {
      const response = await t
        .request()
        .get(`/board/moderation?lt=${teacher}&page=${bad}`)
        .set('Accept', 'application/json')
        .expect(400);
      assert.equal(response.body.error.code, 'validation_failed', bad);
    }
    const learner = await t
      .request()
      .get(`/board/moderation?lt=${author}`)
      .set('Accept', 'application/json')
      .expect(403);
    assert.equal(learner.body.error.code, 'forbidden');
    assert.equal(await BoardModerationLog.count(), before);
  });
});
