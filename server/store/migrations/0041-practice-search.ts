import type { QueryInterface } from 'sequelize';

/** What a search filters on and reads, in the order the table keeps them (the tsvector last). */
const COLUMNS = [
  'id',
  'issuer',
  'board_key',
  'region_code',
  'status',
  'language',
  'hidden_at',
  'themes',
  'actors',
  'search_lemmas',
];
const copied = (row: string) => COLUMNS.map((column) => `${row}.${column}`).join(', ');

/**
 * PostgreSQL: `practice_search`, a narrow copy of what a board search filters on and matches
 * (docs/decisions/0041), so that a search walking the newest practices reads 1.2 KB a practice
 * instead of the whole 1.9 KB row with its texts: 6 against 14 ms for the newest 1,001 matches
 * of two common words at 100,000 practices. Row triggers keep it in the writer's transaction;
 * an update that leaves these columns alone (a reaction count) does not touch it. The GIN index
 * moves here from `practices`, which Silta still writes `search_lemmas` to (search_lexemes'
 * triggers read it there).
 *
 * SQLite: nothing (FTS5 keeps its own table).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  await qi.sequelize.transaction(async (transaction) => {
    const sql = (statement: string) => qi.sequelize.query(statement, { transaction });
    // An instance of the earlier version still running cannot write a practice between the
    // copy and the triggers: its writes wait for this transaction.
    await sql('LOCK TABLE practices IN SHARE ROW EXCLUSIVE MODE');
    await create(sql);
  });
}

/** The table, a copy of every practice, the triggers that keep it, and its indexes. */
async function create(sql: (statement: string) => Promise<unknown>) {
  await sql(`CREATE TABLE practice_search (
    id integer PRIMARY KEY REFERENCES practices (id) ON DELETE CASCADE,
    issuer varchar(512) NOT NULL,
    board_key varchar(64) NOT NULL,
    region_code varchar(40) NOT NULL,
    status varchar(16) NOT NULL,
    language varchar(2) NOT NULL,
    hidden_at timestamp with time zone,
    themes text NOT NULL,
    actors text NOT NULL,
    search_lemmas tsvector)`);
  await sql(`CREATE FUNCTION practice_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO practice_search (${COLUMNS.join(', ')}) VALUES (${copied('NEW')});
  ELSE
    UPDATE practice_search SET (${COLUMNS.join(', ')}) = (${copied('NEW')}) WHERE id = OLD.id;
  END IF;
  RETURN NULL;
END $$`);
  await sql(`INSERT INTO practice_search (${COLUMNS.join(', ')}) SELECT ${copied('p')} FROM practices AS p`);
  await sql(
    'CREATE TRIGGER practice_search_insert AFTER INSERT ON practices FOR EACH ROW EXECUTE FUNCTION practice_search_copy()',
  );
  await sql(
    `CREATE TRIGGER practice_search_update AFTER UPDATE ON practices FOR EACH ROW
       WHEN ((${copied('OLD')}) IS DISTINCT FROM (${copied('NEW')})) EXECUTE FUNCTION practice_search_copy()`,
  );
  await sql('CREATE INDEX practice_search_lemmas ON practice_search USING GIN (search_lemmas)');
  // A search within one region reads the region's practices (of one status when asked) first.
  await sql('CREATE INDEX practice_search_region ON practice_search (issuer, board_key, region_code, status)');
  await sql('DROP INDEX practices_search_lemmas');
  await sql('ANALYZE practice_search');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  const sql = (statement: string) => qi.sequelize.query(statement);
  await sql('CREATE INDEX IF NOT EXISTS practices_search_lemmas ON practices USING GIN (search_lemmas)');
  for (const trigger of ['practice_search_insert', 'practice_search_update'])
    await sql(`DROP TRIGGER IF EXISTS ${trigger} ON practices`);
  await sql('DROP FUNCTION IF EXISTS practice_search_copy()');
  await sql('DROP TABLE IF EXISTS practice_search');
}
