import assert from 'node:assert/strict';
import { DRAFTS_LISTED, DRAFTS_ON_BOARD } from '../../server/domain/board/board.service';
import { translator } from '../../server/i18n';
import { Practice } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, openBoard, placeBoard } from './board-fixtures';

// A live session's outcomes arrive as drafts: the board shows a few of them, and a page all of them.
describe('your drafts: a few on the board, all on their own page', () => {
  let t: TestSilta;
  let link: string;
  let author: string;
  /** The author's drafts, the first made first. */
  const drafts: number[] = [];
  /** The practices a page lists as cards, in its order. */
  const cardsOf = (html: string) => [...html.matchAll(/data-practice-id="(\d+)"/g)].map((m) => Number(m[1]));
  /** The drafts section of the board's listing. */
  const draftSection = (html: string) => /<section class="board-drafts"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

  before(async () => {
    t = await testSilta();
    link = placeBoard(t, { region: 'kainuu', board: `drafts-${Date.now()}` });
    author = await openBoard(t, link, 'developer');
    for (let i = 1; i <= DRAFTS_ON_BOARD + 2; i++)
      drafts.push(await createPractice(t, author, { title: `Istunnon tulos ${i}`, status: 'draft' }));
  });

  it(`shows the ${DRAFTS_ON_BOARD} last edited on the board, with a link to all of them`, async () => {
    const board = (await t.request().get(`/board?lt=${author}`).expect(200)).text;
    assert.deepEqual(cardsOf(draftSection(board)), drafts.slice(-DRAFTS_ON_BOARD).reverse());
    assert.ok(draftSection(board).includes(`href="/board/drafts?lt=${author}"`));
    assert.ok(draftSection(board).includes(translator('fi')('board.grid.all_drafts')));
  });

  it('lists every draft on its own page, the last edited first, in the launch language', async () => {
    const page = await t.request().get(`/board/drafts?lt=${author}`).expect(200);
    assert.match(page.text, /<html lang="fi">/);
    assert.deepEqual(cardsOf(page.text), [...drafts].reverse());
    assert.ok(!page.text.includes(translator('fi')('board.drafts_page.none')));
  });

  it('shows no link while every draft fits on the board', async () => {
    const few = await openBoard(t, placeBoard(t, { region: 'kainuu', board: `few-${Date.now()}` }), 'developer');
    const id = await createPractice(t, few, { title: 'Ainoa luonnos', status: 'draft' });
    const board = (await t.request().get(`/board?lt=${few}`).expect(200)).text;
    assert.deepEqual(cardsOf(draftSection(board)), [id]);
    assert.ok(!board.includes('/board/drafts?'));
  });

  it("shows nobody else's drafts, nor those of another board", async () => {
    const colleague = await openBoard(t, link, 'trainee', { region: 'kainuu' });
    const otherBoard = await openBoard(t, placeBoard(t, { region: 'kainuu', board: 'another' }), 'developer');
    for (const lt of [colleague, otherBoard]) {
      const page = (await t.request().get(`/board/drafts?lt=${lt}`).expect(200)).text;
      assert.deepEqual(cardsOf(page), []);
      assert.ok(page.includes(translator('fi')('board.drafts_page.none')));
      assert.equal(draftSection((await t.request().get(`/board?lt=${lt}`).expect(200)).text), '');
    }
  });

  it(`lists the ${DRAFTS_LISTED} last edited and says so when there are more`, async () => {
    const first = (await Practice.findByPk(drafts[0]))!;
    const fields = { ...first.get({ plain: true }), id: undefined };
    await Practice.bulkCreate(
      Array.from({ length: DRAFTS_LISTED }, (_, i) => ({ ...fields, title: `Vanha luonnos ${i}` })),
    );
    // Edited an hour before the others.
    await Practice.sequelize!.query(`UPDATE practices SET updated_at = ? WHERE title LIKE 'Vanha luonnos %'`, {
      replacements: [new Date(Date.now() - 3_600_000)],
    });
    const page = (await t.request().get(`/board/drafts?lt=${author}`).expect(200)).text;
    const listed = cardsOf(page);
    assert.equal(listed.length, DRAFTS_LISTED);
    assert.deepEqual(listed.slice(0, drafts.length), [...drafts].reverse(), 'the last edited first');
    assert.ok(page.includes(translator('fi')('board.drafts_page.latest', { count: DRAFTS_LISTED })));
  });

  it('refuses a page without a valid launch and shows nothing', async () => {
    for (const lt of ['', 'forged-token']) {
      const refused = await t.request().get(`/board/drafts?lt=${lt}`).set('Accept', 'application/json').expect(401);
      assert.ok(!refused.text.includes('Istunnon tulos'));
    }
  });
});
