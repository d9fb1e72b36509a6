import type { QueryInterface } from 'sequelize';

/** The text a practice is found by, beyond its title and summary (SQLite: one FTS5 column). */
const sqliteBody = (row: '' | 'new.' | 'old.') =>
  `${row}need || char(10) || ${row}what_was_done || char(10) || ${row}results`;

const FILTER_COLUMNS = ['issuer', 'board_key', 'hidden_at', 'region_code', 'status', 'language', 'themes', 'actors'];

/**
 * Full-text search of board practices, kept current by the database itself.
 *
 * PostgreSQL: a generated `search_vector` built with the text search configuration of the
 * practice's language (title weight A, summary B, the rest C) and a GIN index on it.
 *
 * SQLite: an FTS5 table over a view of the practices (external content, so the text is not
 * stored twice) with `unicode61 remove_diacritics 2`, kept in sync by triggers. Hiding a practice
 * leaves it in the index: listing filters hidden ones out, and moderators still find them.
 *
 * Both: indexes for the "most useful" and "most adopted" orders of a board, and one covering the
 * filters so that counting a filtered listing of 10,000 practices stays cheap.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  if (qi.sequelize.getDialect() === 'postgres') {
    // The CASE of constant regconfigs keeps the expression immutable, as a generated column needs.
    const config = `CASE language WHEN 'fi' THEN 'finnish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig ELSE 'english'::regconfig END`;
    const weighted = (text: string, weight: string) => `setweight(to_tsvector(${config}, ${text}), '${weight}')`;
    await sql(
      `ALTER TABLE practices ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (${weighted('title', 'A')} || ${weighted('summary', 'B')} || ${weighted(`need || ' ' || what_was_done || ' ' || results`, 'C')}) STORED`,
    );
    await sql('CREATE INDEX practices_search_vector ON practices USING GIN (search_vector)');
  } else {
    await sql(
      `CREATE VIEW practice_search_source AS SELECT id, title, summary, ${sqliteBody('')} AS body FROM practices`,
    );
    await sql(
      `CREATE VIRTUAL TABLE practice_search USING fts5(title, summary, body, content='practice_search_source', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
    );
    const insert = `INSERT INTO practice_search(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, ${sqliteBody('new.')});`;
    // An external-content index forgets a row by being told exactly the values it indexed.
    const forget = `INSERT INTO practice_search(practice_search, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, ${sqliteBody('old.')});`;
    await sql(`CREATE TRIGGER practice_search_insert AFTER INSERT ON practices BEGIN ${insert} END`);
    await sql(`CREATE TRIGGER practice_search_delete AFTER DELETE ON practices BEGIN ${forget} END`);
    // Only a change of the searched text re-indexes: counters and hiding do not.
    await sql(
      `CREATE TRIGGER practice_search_update AFTER UPDATE OF title, summary, need, what_was_done, results ON practices BEGIN ${forget} ${insert} END`,
    );
    await sql(`INSERT INTO practice_search(practice_search) VALUES ('rebuild')`);
  }
  await qi.addIndex('practices', ['issuer', 'board_key', 'useful_count']);
  await qi.addIndex('practices', ['issuer', 'board_key', 'adoption_count']);
  // Every filter column, so counting a filtered listing reads the index, not the long rows.
  await qi.addIndex('practices', FILTER_COLUMNS, { name: 'practices_board_filters' });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  await qi.removeIndex('practices', 'practices_board_filters');
  await qi.removeIndex('practices', ['issuer', 'board_key', 'adoption_count']);
  await qi.removeIndex('practices', ['issuer', 'board_key', 'useful_count']);
  if (qi.sequelize.getDialect() === 'postgres') {
    await sql('DROP INDEX practices_search_vector');
    await sql('ALTER TABLE practices DROP COLUMN search_vector');
  } else {
    for (const trigger of ['practice_search_update', 'practice_search_delete', 'practice_search_insert'])
      await sql(`DROP TRIGGER ${trigger}`);
    await sql('DROP TABLE practice_search');
    await sql('DROP VIEW practice_search_source');
  }
}
