import { QueryTypes, type QueryInterface, type Transaction } from 'sequelize';
import { inTransaction } from '../transaction';

/** Practices whose terms are written per transaction when filling the table. */
const FILL_BATCH = 500;

/**
 * PostgreSQL: `practice_terms`, one row per lemma of a practice's `search_lemmas` under a B-tree
 * (lemma, practice_id), so that a search knows how many practices a query word can match and,
 * for a rare one, reads its matches from the index instead of testing the tsvector of every
 * row newest first (docs/decisions/0033). A trigger keeps it equal to `search_lemmas` whoever
 * writes the column (the board service, the re-index at start, a migration), and drops the terms
 * of a deleted practice. `COLLATE "C"`: a prefix is a byte range of the index.
 *
 * The table of existing practices is filled in batches of one transaction each, in id order.
 * Resumable: `practice_terms_fill` holds the last practice done; a run that stopped half-way is
 * not recorded and the next start continues after it (the trigger has kept every practice
 * written meanwhile). SQLite's FTS5 table needs none of this.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const sequelize = qi.sequelize;
  if (sequelize.getDialect() !== 'postgres') return;
  const sql = (statement: string, transaction?: Transaction, replacements?: unknown[]) =>
    sequelize.query(statement, { transaction, replacements });
  await inTransaction(sequelize, async (transaction) => {
    await sql(
      'CREATE TABLE IF NOT EXISTS practice_terms (lemma text COLLATE "C" NOT NULL, practice_id integer NOT NULL, PRIMARY KEY (lemma, practice_id))',
      transaction,
    );
    await sql(
      `CREATE OR REPLACE FUNCTION practice_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.search_lemmas IS NOT NULL THEN
      DELETE FROM practice_terms WHERE practice_id = OLD.id AND lemma = ANY (tsvector_to_array(OLD.search_lemmas));
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.search_lemmas IS NOT NULL THEN
      INSERT INTO practice_terms (lemma, practice_id)
        SELECT term, NEW.id FROM unnest(tsvector_to_array(NEW.search_lemmas)) AS term ON CONFLICT DO NOTHING;
    END IF;
  END IF;
  RETURN NULL;
END $$`,
      transaction,
    );
    await sql('DROP TRIGGER IF EXISTS practice_terms_sync ON practices', transaction);
    await sql(
      'CREATE TRIGGER practice_terms_sync AFTER INSERT OR DELETE OR UPDATE OF search_lemmas ON practices FOR EACH ROW EXECUTE FUNCTION practice_terms_sync()',
      transaction,
    );
    await sql('CREATE TABLE IF NOT EXISTS practice_terms_fill (after integer NOT NULL)', transaction);
    await sql(
      'INSERT INTO practice_terms_fill (after) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM practice_terms_fill)',
      transaction,
    );
  });
  for (;;) {
    const done = await inTransaction(sequelize, async (transaction) => {
      const read = <T extends object>(statement: string, replacements?: unknown[]) =>
        sequelize.query<T>(statement, { transaction, replacements, type: QueryTypes.SELECT });
      const [{ after }] = await read<{ after: number }>('SELECT after FROM practice_terms_fill');
      const [{ upto }] = await read<{ upto: number | null }>(
        'SELECT max(id) AS upto FROM (SELECT id FROM practices WHERE id > ? ORDER BY id LIMIT ?) AS batch',
        [after, FILL_BATCH],
      );
      if (upto === null) return true;
      await sql(
        'INSERT INTO practice_terms (lemma, practice_id) SELECT term, p.id FROM practices AS p, unnest(tsvector_to_array(p.search_lemmas)) AS term WHERE p.id > ? AND p.id <= ? AND p.search_lemmas IS NOT NULL ON CONFLICT DO NOTHING',
        transaction,
        [after, upto],
      );
      await sql('UPDATE practice_terms_fill SET after = ?', transaction, [upto]);
      return false;
    });
    if (done) break;
  }
  await sql('DROP TABLE practice_terms_fill');
  // The search reads how common a lemma is from the table itself, but the planner needs statistics.
  await sql('ANALYZE practice_terms');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  await qi.sequelize.query('DROP TRIGGER IF EXISTS practice_terms_sync ON practices');
  await qi.sequelize.query('DROP FUNCTION IF EXISTS practice_terms_sync()');
  await qi.sequelize.query('DROP TABLE IF EXISTS practice_terms_fill');
  await qi.sequelize.query('DROP TABLE IF EXISTS practice_terms');
}
