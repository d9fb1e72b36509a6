import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Board search over the lemmas Silta computes (docs/decisions/0015), the same on both databases.
 *
 * PostgreSQL: `search_lemmas`, a tsvector Silta writes (title A, summary B, body C) with a GIN
 * index, replaces 0005's generated vector of PostgreSQL's own Snowball stems.
 *
 * SQLite: the FTS5 table `practice_lemmas` (rowid = practice id) holds each field's lemmas in two
 * columns, the word-by-word primary lemmas and the extra ones; it replaces 0005's index of the raw
 * words. A deleted practice leaves it by trigger; Silta writes it when a practice is saved.
 *
 * Both: `lemmatised_by` names the analyser that indexed a row, so that a row not yet indexed (or
 * indexed by the Snowball fallback before Voikko was installed) is found and re-indexed
 * (0015-b and at start). Partial indexes serve the listing orders of visible practices.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  await qi.addColumn('practices', 'lemmatised_by', { type: DataTypes.STRING(16) });
  if (qi.sequelize.getDialect() === 'postgres') {
    await sql('DROP INDEX IF EXISTS practices_search_vector');
    await sql('ALTER TABLE practices DROP COLUMN IF EXISTS search_vector');
    await sql('ALTER TABLE practices ADD COLUMN search_lemmas tsvector');
    await sql('CREATE INDEX practices_search_lemmas ON practices USING GIN (search_lemmas)');
  } else {
    for (const trigger of ['practice_search_update', 'practice_search_delete', 'practice_search_insert'])
      await sql(`DROP TRIGGER IF EXISTS ${trigger}`);
    await sql('DROP TABLE IF EXISTS practice_search');
    await sql('DROP VIEW IF EXISTS practice_search_source');
    // Lemmas are lower-case letters and digits separated by spaces: unicode61 keeps each whole.
    await sql(
      `CREATE VIRTUAL TABLE practice_lemmas USING fts5(title, title_x, summary, summary_x, body, body_x, tokenize='unicode61 remove_diacritics 0')`,
    );
    await sql(
      'CREATE TRIGGER practice_lemmas_delete AFTER DELETE ON practices BEGIN DELETE FROM practice_lemmas WHERE rowid = old.id; END',
    );
  }
  // The listings of what most readers see (visible practices), in each order, read in index order.
  for (const [name, column] of [
    ['practices_visible_newest', 'created_at'],
    ['practices_visible_useful', 'useful_count'],
    ['practices_visible_adopted', 'adoption_count'],
  ]) {
    await sql(`CREATE INDEX ${name} ON practices (issuer, board_key, ${column} DESC, id DESC) WHERE hidden_at IS NULL`);
  }
}

export async function down({ context: qi }: { context: QueryInterface }) {
  const sql = (statement: string) => qi.sequelize.query(statement);
  for (const name of ['practices_visible_newest', 'practices_visible_useful', 'practices_visible_adopted'])
    await sql(`DROP INDEX ${name}`);
  if (qi.sequelize.getDialect() === 'postgres') {
    await sql('DROP INDEX practices_search_lemmas');
    await sql('ALTER TABLE practices DROP COLUMN search_lemmas');
  } else {
    await sql('DROP TRIGGER practice_lemmas_delete');
    await sql('DROP TABLE practice_lemmas');
  }
  await qi.removeColumn('practices', 'lemmatised_by');
  // 0005's index comes back by running 0005 down and up again; this one does not rebuild it.
}
