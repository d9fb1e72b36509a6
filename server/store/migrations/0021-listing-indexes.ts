import type { QueryInterface } from 'sequelize';

/** The filter columns of a listing, carried in each listing index so that filtering needs no table row. */
const FILTERS = 'status, region_code, language, themes, actors';
const LISTINGS: [name: string, column: string][] = [
  ['practices_listing_newest', 'created_at'],
  ['practices_listing_useful', 'useful_count'],
  ['practices_listing_adopted', 'adoption_count'],
];

/**
 * Board listings of visible practices read one index in their order and stop at the page's end
 * (docs/decisions/0021). Each listing order gets a partial index (visible practices) that also
 * holds every filter column, so the filters and the capped count are checked in the index.
 *
 * 0005's `practices_board_filters` goes: with `hidden_at` as an equality column it lured SQLite's
 * planner into reading every visible row and sorting them (36 ms of CPU for page 50 of 10,000
 * practices against 2 ms in index order). 0015's `practices_visible_*` are replaced by these.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  await sql('DROP INDEX IF EXISTS practices_board_filters');
  for (const name of ['practices_visible_newest', 'practices_visible_useful', 'practices_visible_adopted'])
    await sql(`DROP INDEX IF EXISTS ${name}`);
  for (const [name, column] of LISTINGS) {
    await sql(
      `CREATE INDEX ${name} ON practices (issuer, board_key, ${column} DESC, id DESC, ${FILTERS}) WHERE hidden_at IS NULL`,
    );
  }
  // Every board page lists the viewer's own drafts: found by author, not by reading the board.
  await sql('CREATE INDEX practices_author_drafts ON practices (author_id, status, updated_at DESC, id DESC)');
  // PostgreSQL renews its statistics itself (autovacuum). SQLite keeps what ANALYZE found until the
  // next ANALYZE, and a connection keeps them until the schema changes: statistics of a table
  // still empty at start made every search wait for seconds once the board had grown (decision 0021).
  if (qi.sequelize.getDialect() === 'postgres') await sql('ANALYZE practices');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  for (const [name] of [...LISTINGS, ['practices_author_drafts']]) await sql(`DROP INDEX IF EXISTS ${name}`);
  for (const [name, column] of [
    ['practices_visible_newest', 'created_at'],
    ['practices_visible_useful', 'useful_count'],
    ['practices_visible_adopted', 'adoption_count'],
  ]) {
    await sql(`CREATE INDEX ${name} ON practices (issuer, board_key, ${column} DESC, id DESC) WHERE hidden_at IS NULL`);
  }
  await sql(
    'CREATE INDEX practices_board_filters ON practices (issuer, board_key, hidden_at, region_code, status, language, themes, actors)',
  );
}
