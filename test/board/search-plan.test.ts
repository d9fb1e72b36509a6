import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { forcePlanForTests, MAX_EXPANSION } from '../../server/domain/board/search/postgres-plan';
import { READ_FROM_INDEX } from '../../server/domain/board/search/practice-finder';
import { Practice } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard, practiceForm, statementsOf } from './board-fixtures';
import { CASES, plantSearchSet, RANKING, type PlantedSet } from './search-set';

// PostgreSQL only (decisions 0039, 0041): a search's plan, its prefix expansion and the table it reads must never change what it finds.
describe('the PostgreSQL search plan (search_lexemes)', () => {
  let t: TestSilta;
  let lt: string;
  let found: PlantedSet['found'];
  let search: PlantedSet['search'];
  const sql = <T extends object>(statement: string) =>
    Practice.sequelize!.query<T>(statement, { type: QueryTypes.SELECT });
  /** Lexemes whose count differs from what the index holds now (ts_stat reads every practice). */
  const miscounted = async () =>
    (
      await sql<{ n: string }>(
        `SELECT count(*) AS n FROM search_lexemes AS s FULL JOIN ts_stat('SELECT search_lemmas FROM practices') AS t
           ON t.word = s.lexeme WHERE coalesce(s.documents, 0) <> coalesce(t.ndoc, 0)`,
      )
    )[0].n;

  before(async function () {
    t = await testSilta();
    if (Practice.sequelize!.getDialect() !== 'postgres') this.skip();
    ({ lt, found, search } = await plantSearchSet(t, 'search-plan'));
  });

  afterEach(() => forcePlanForTests(null));

  for (const plan of ['bitmap', 'walk'] as const) {
    it(`finds and ranks the whole search test set the same through the ${plan}`, async () => {
      forcePlanForTests(plan);
      for (const c of CASES) assert.deepEqual((await search(c.q)).sort(), [...c.expected].sort(), c.q);
      for (const r of RANKING) assert.deepEqual(await search(r.q), r.order, r.q);
    });
  }

  it("reads the matches the way the plan says, whatever PostgreSQL's own costs would choose", async () => {
    /** The plans of the statements that test the full text, for a board page's search. */
    const plansOf = async (path: string) => {
      const seen = await statementsOf(t, `${path}&lt=${lt}`);
      const tests = seen.filter((statement) => statement.includes('search_lemmas @@'));
      assert.ok(tests.length, `no statement of ${path} tests the full text`);
      return Promise.all(
        tests.map(async (statement) => {
          const prefix = statement.startsWith(READ_FROM_INDEX) ? READ_FROM_INDEX : '';
          const plan = await sql<{ 'QUERY PLAN': string }>(`${prefix}EXPLAIN ${statement.slice(prefix.length)}`);
          return plan.map((row) => row['QUERY PLAN']).join('\n');
        }),
      );
    };
    // 3,000 copies of a practice of the set, every one matching: PostgreSQL's own costs would
    // test each practice in turn rather than read the GIN index.
    const copies = await sql<{ id: number }>(
      `INSERT INTO practices (issuer, board_key, author_id, region_code, title, summary, need, what_was_done, results,
              actors, themes, links, status, language, created_at, updated_at, lemmatised_by, search_lemmas)
       SELECT issuer, board_key, author_id, region_code, title, summary, need, what_was_done, results, actors, themes,
              links, status, language, created_at, updated_at, lemmatised_by, search_lemmas || 'kuntoutus'::tsvector
         FROM practices, generate_series(1, 3000) WHERE id = (SELECT min(id) FROM practices WHERE board_key = 'search-plan')
       RETURNING id`,
    );
    try {
      await sql('ANALYZE practice_search');
      for (const path of ['/board?q=kuntoutus', '/board?q=kuntoutus&sort=newest']) {
        forcePlanForTests('bitmap');
        for (const plan of await plansOf(path))
          assert.match(plan, /Bitmap Index Scan on practice_search_lemmas/, `${path}\n${plan}`);
        forcePlanForTests('walk');
        for (const plan of await plansOf(path)) assert.doesNotMatch(plan, /practice_search_lemmas/, path);
      }
    } finally {
      await sql(`DELETE FROM practices WHERE id IN (${copies.map((c) => c.id).join(', ')})`);
    }
  });

  it('counts each lexeme exactly after practices are created, edited and deleted', async () => {
    assert.equal(await miscounted(), '0', 'after the set was created');
    const id = await createPractice(t, lt, { title: 'Lekseemilaskurin koe', whatWasDone: 'Kuukausikokous' });
    assert.equal(await miscounted(), '0', 'after create');
    await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .send(practiceForm(lt, { title: 'Lekseemilaskurin toinen koe', whatWasDone: 'Viikkokokous' }))
      .expect(303);
    assert.equal(await miscounted(), '0', 'after edit');
    assert.deepEqual(await found('kuukausikokous'), []);
    assert.deepEqual(await found('viikkokokous'), [id]);
    await t.request().post(`/board/practices/${id}/delete`).type('form').send(form(lt)).expect(303);
    assert.equal(await miscounted(), '0', 'after delete');
  });

  it('keeps practice_search, the copy a search reads, equal to practices through every kind of write', async () => {
    const columns = 'issuer, board_key, region_code, status, language, hidden_at, themes, actors, search_lemmas';
    /** Practices whose copy is missing, left over or different. */
    const unequal = async () =>
      (
        await sql<{ n: string }>(
          `SELECT count(*) AS n FROM practices AS p FULL JOIN practice_search AS s ON s.id = p.id
            WHERE p.id IS NULL OR s.id IS NULL
               OR (${columns.replace(/\w+/g, 'p.$&')}) IS DISTINCT FROM (${columns.replace(/\w+/g, 's.$&')})`,
        )
      )[0].n;
    const link = placeBoard(t, { region: 'kainuu', board: 'search-copy' });
    const author = await openBoard(t, link, 'developer');
    const teacher = await openBoard(t, link, 'teacher');
    const id = await createPractice(t, author, { title: 'Kopion koe', status: 'draft' });
    assert.equal(await unequal(), '0', 'after create');
    const edited = { title: 'Kopion toinen koe', whatWasDone: 'Viikkopalaveri', status: 'pilot', language: 'sv' };
    await t.request().post(`/board/practices/${id}`).type('form').send(practiceForm(author, edited)).expect(303);
    assert.equal(await unequal(), '0', 'after edit and publishing');
    for (const action of ['hide', 'restore']) {
      await t
        .request()
        .post(`/board/practices/${id}/moderate`)
        .type('form')
        .send(form(teacher, { action, reason: 'Koe' }))
        .expect(303);
      assert.equal(await unequal(), '0', `after ${action}`);
    }
    await t.request().post(`/board/practices/${id}/useful`).type('form').send(form(teacher)).expect(303);
    assert.equal(await unequal(), '0', 'after a reaction');
    await t.request().post(`/board/practices/${id}/delete`).type('form').send(form(author)).expect(303);
    assert.equal(await unequal(), '0', 'after delete');
  });

  it('finds the same with counts far off either way (they only steer the plan)', async () => {
    const expected = await Promise.all(CASES.map((c) => search(c.q)));
    try {
      for (const documents of [1, 1_000_000_000]) {
        await sql(`UPDATE search_lexemes SET documents = ${documents} WHERE documents > 0`);
        assert.deepEqual(await Promise.all(CASES.map((c) => search(c.q))), expected, `counts of ${documents}`);
      }
    } finally {
      await sql(
        `UPDATE search_lexemes AS s SET documents = t.ndoc FROM ts_stat('SELECT search_lemmas FROM practices') AS t WHERE t.word = s.lexeme`,
      );
    }
    assert.equal(await miscounted(), '0');
  });

  it(`keeps a prefix that covers more than ${MAX_EXPANSION} lexemes, and finds every practice it covers`, async () => {
    // Made-up words the analysers keep as they are: one stem, a different ending each.
    const words = Array.from(
      { length: MAX_EXPANSION + 2 },
      (_, i) => `zorbaxq${String.fromCharCode(97 + (i % 26))}${i}`,
    );
    const ids = [
      await createPractice(t, lt, { title: 'Etuliitteen koe', whatWasDone: words.slice(0, 20).join(' ') }),
      await createPractice(t, lt, { title: 'Etuliitteen toinen koe', whatWasDone: words.slice(20).join(' ') }),
    ];
    const covered = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM search_lexemes WHERE lexeme LIKE 'zorbaxq%' AND documents > 0`,
    );
    assert.ok(Number(covered[0].n) > MAX_EXPANSION, `${covered[0].n} lexemes`);
    for (const plan of ['bitmap', 'walk'] as const) {
      forcePlanForTests(plan);
      assert.deepEqual((await found('zorbaxq')).sort(), [...ids].sort(), plan);
    }
  });
});
