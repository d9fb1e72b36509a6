import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { ACTORS, THEMES } from '../../server/domain/board/board.schema';
import { Practice } from '../../server/store/models';
import { tagIndexName } from '../../server/store/migrations/0044-tag-listing-indexes';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, openBoard, placeBoard, statementsOf } from './board-fixtures';

// Decision 0044: a theme's or an actor's listing and its capped count read the tag's own partial
// index, on both databases.
describe('the listing indexes of themes and actors', () => {
  let t: TestSilta;
  let lt: string;
  let postgres: boolean;
  const sql = <T extends object>(statement: string) =>
    Practice.sequelize!.query<T>(statement, { type: QueryTypes.SELECT });

  /** The plans of the statements a board page runs that filter on a tag. */
  const plansOf = async (query: string) => {
    const seen = await statementsOf(t, `/board?lt=${lt}&${query}`);
    const tagged = seen.filter((statement) => /(themes|actors)["`]? LIKE/.test(statement));
    assert.ok(tagged.length, `no statement of ${query} filters on a tag`);
    return Promise.all(
      tagged.map(async (statement) =>
        (await sql<Record<string, string>>(`${postgres ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${statement}`))
          .map((row) => row['QUERY PLAN'] ?? row.detail)
          .join('\n'),
      ),
    );
  };

  before(async () => {
    t = await testSilta();
    postgres = Practice.sequelize!.getDialect() === 'postgres';
    lt = await openBoard(t, placeBoard(t, { region: 'kainuu', board: 'tag-indexes' }), 'developer');
  });

  it('has an index for every theme and actor of the forms, over the filter the board writes', async () => {
    const indexes = new Map(
      (postgres
        ? await sql<{ name: string; definition: string }>(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'practices'",
          )
        : await sql<{ name: string; definition: string }>(
            "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'practices'",
          )
      ).map((index) => [index.name, index.definition]),
    );
    for (const [column, codes] of [
      ['themes', THEMES],
      ['actors', ACTORS],
    ] as const)
      for (const code of codes) {
        const definition = indexes.get(tagIndexName(column, code));
        assert.ok(definition, `no index for ${column} ${code}`);
        assert.match(definition, new RegExp(`${column} (LIKE|~~) '%"${code}"%'`), definition);
      }
  });

  it("reads a theme's listing and an actor's count from the tag's index when the board is large", async () => {
    const id = await createPractice(t, lt, { title: 'Tunnisteen koe', themes: ['youth'], actors: ['kela'] });
    // 3,000 practices, a sixth of them on the theme and the actor: the board's listing index
    // would read six entries for each one counted.
    const copies = await sql<{ id: number }>(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       INSERT INTO practices (issuer, board_key, author_id, region_code, title, summary, need, what_was_done, results,
              actors, themes, links, status, language, created_at, updated_at, lemmatised_by)
       SELECT issuer, board_key, author_id, region_code, title, summary, need, what_was_done, results,
              CASE WHEN i % 6 = 0 THEN actors ELSE '["ngos"]' END, CASE WHEN i % 6 = 0 THEN themes ELSE '["guidance"]' END,
              links, status, language, created_at, updated_at, lemmatised_by
         FROM practices, n WHERE id = ${id}
       RETURNING id`,
    );
    try {
      // PostgreSQL plans from statistics and the visibility map, which autovacuum keeps for a
      // board that grew; SQLite (as in production, decision 0021) plans without statistics.
      if (postgres) await sql('VACUUM ANALYZE practices');
      for (const plan of await plansOf('theme=youth')) assert.match(plan, /practices_theme_youth/, plan);
      for (const plan of await plansOf('actor=kela&sort=adopted')) assert.match(plan, /practices_actor_kela/, plan);
    } finally {
      await sql(`DELETE FROM practices WHERE id IN (${copies.map((c) => c.id).join(', ')})`);
    }
  });
});
