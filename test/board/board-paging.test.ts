import assert from 'node:assert/strict';
import { Practice } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, openBoard, placeBoard } from './board-fixtures';

const PRACTICES = 45;

// A listing page and its capped count are separate statements over the listing indexes (decisions
// 0021, 0028): every order and filter must give each practice once, in order, with the same count
// on every page, past the last one too.
describe('board listing pages and counts over HTTP', () => {
  let t: TestSilta;
  let lt: string;
  let board: Practice[];

  /** The ids a listing page shows, in order, the count its heading announces, and whether it links a next page. */
  const page = async (query: string) => {
    const html = (await t.request().get(`/board?lt=${lt}&${query}`).expect(200)).text;
    // The results' cards, not the author's drafts listed below them.
    const results = html.slice(html.indexOf('data-live="practices"'), html.indexOf('</section>'));
    return {
      ids: [...results.matchAll(/href="\/board\/practices\/(\d+)\?lt=/g)].map((m) => Number(m[1])),
      count: Number(/<h2 id="results-heading">[^<0-9]*(\d+)/.exec(html)?.[1] ?? NaN),
      next: /rel="next"/.test(html),
    };
  };
  /** Pages 1-4 of a listing (20 + 20 + 5 + none): their ids joined, each page's count and next link. */
  const allPages = async (query: string) => {
    const pages = [];
    for (let n = 1; n <= 4; n++) pages.push(await page(`${query}&page=${n}`));
    return { ids: pages.flatMap((p) => p.ids), counts: pages.map((p) => p.count), next: pages.map((p) => p.next) };
  };
  const byDesc =
    (key: (p: Practice) => number) =>
    (a: Practice, b: Practice): number =>
      key(b) - key(a) || b.id - a.id;
  const expected = (order: (a: Practice, b: Practice) => number, only: (p: Practice) => boolean = () => true) =>
    board
      .filter(only)
      .sort(order)
      .map((p) => p.id);

  before(async () => {
    t = await testSilta();
    lt = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala', board: 'paging-tests' }), 'developer');
    const ids: number[] = [];
    for (let i = 0; i < PRACTICES; i++)
      ids.push(
        await createPractice(t, lt, {
          title: `Sivutettu käytäntö ${i}`,
          themes: i % 3 === 0 ? ['youth'] : ['mental-health'],
          status: i % 2 ? 'idea' : 'pilot',
          region: i % 5 === 0 ? 'kainuu' : 'pohjois-karjala',
        }),
      );
    // Counts with ties, so that the id decides between equals.
    for (const [i, id] of ids.entries())
      await Practice.update({ usefulCount: (i * 7) % 11, adoptionCount: (i * 5) % 4 }, { where: { id } });
    // The author's draft is theirs alone: never on a page nor in a count.
    await createPractice(t, lt, { title: 'Sivutettu luonnos', status: 'draft' });
    board = (await Practice.findAll({ where: { id: ids } })).filter((p) => p.status !== 'draft');
  });

  for (const [sort, order] of [
    ['newest', byDesc((p) => p.createdAt.getTime())],
    ['useful', byDesc((p) => p.usefulCount)],
    ['adopted', byDesc((p) => p.adoptionCount)],
  ] as const) {
    it(`sort=${sort}: pages give every practice once, in order, and each page says the same count`, async () => {
      const listing = await allPages(`sort=${sort}`);
      assert.deepEqual(listing.ids, expected(order));
      assert.deepEqual(
        listing.counts,
        [PRACTICES, PRACTICES, PRACTICES, PRACTICES],
        'a page past the end still counts',
      );
      assert.deepEqual(listing.next, [true, true, false, false]);
    });

    it(`sort=${sort} with a theme and a status: only those, in order, counted`, async () => {
      const only = (p: Practice) => p.themes.includes('"youth"') && p.status === 'pilot';
      const listing = await allPages(`sort=${sort}&theme=youth&status=pilot`);
      const ids = expected(order, only);
      assert.ok(ids.length > 0 && ids.length < 20);
      assert.deepEqual(listing.ids, ids);
      assert.deepEqual(listing.counts, [ids.length, ids.length, ids.length, ids.length]);
    });
  }

  // With one region, SQLite finds the region's practices first and looks each match up among them.
  it('a search within one region finds the matches of that region only, ranked or newest first, counted', async () => {
    const kainuu = (p: Practice) => p.regionCode === 'kainuu';
    const ids = expected((a, b) => b.id - a.id, kainuu);
    assert.equal(ids.length, 9);
    const newest = await page(`q=${encodeURIComponent('sivutettu')}&sort=newest&region=kainuu`);
    assert.deepEqual(newest.ids, ids);
    assert.equal(newest.count, ids.length);
    const ranked = await page(`q=${encodeURIComponent('sivutettu')}&region=kainuu`);
    assert.deepEqual([...ranked.ids].sort(), [...ids].sort());
    assert.equal(ranked.count, ids.length);
    const pilots = await page(`q=${encodeURIComponent('sivutettu')}&region=kainuu&status=pilot`);
    assert.deepEqual(
      [...pilots.ids].sort(),
      expected(
        (a, b) => b.id - a.id,
        (p) => kainuu(p) && p.status === 'pilot',
      ).sort(),
    );
    const none = await page(`q=${encodeURIComponent('sivutettu -käytäntö')}&region=kainuu`);
    assert.deepEqual(none, { ids: [], count: 0, next: false });
  });

  it('a search sorted newest first pages its matches by id, counted on every page', async () => {
    const listing = await allPages(`q=${encodeURIComponent('sivutettu')}&sort=newest`);
    assert.deepEqual(
      listing.ids,
      expected((a, b) => b.id - a.id),
    );
    assert.deepEqual(listing.counts, [PRACTICES, PRACTICES, PRACTICES, PRACTICES]);
    const youth = await allPages(`q=${encodeURIComponent('sivutettu')}&sort=newest&theme=youth`);
    assert.deepEqual(
      youth.ids,
      expected(
        (a, b) => b.id - a.id,
        (p) => p.themes.includes('"youth"'),
      ),
    );
  });
});
