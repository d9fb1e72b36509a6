import type { QueryInterface } from 'sequelize';

/**
 * PostgreSQL: `search_lexemes` holds every lexeme of `practices.search_lemmas` with the number of
 * practices that have it (docs/decisions/0039). A search reads it to turn each prefix term into
 * the exact lexemes it covers (GIN reads an exact lexeme 10-20 times faster than a prefix) and to
 * estimate how many practices match, which decides its plan. Statement triggers with transition
 * tables keep it, so whatever writes `search_lemmas` (the board service, the re-index at start)
 * keeps it right in the same transaction; a statement that leaves the lexemes alone (a reaction
 * count) changes nothing. Counts that fall to 0 stay as rows: a search skips them. Sorted upserts
 * take the row locks of two concurrent writers in the same order.
 *
 * SQLite: nothing (FTS5 reads prefixes itself).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  const sql = (statement: string) => qi.sequelize.query(statement);
  await sql('CREATE TABLE search_lexemes (lexeme text COLLATE "C" PRIMARY KEY, documents integer NOT NULL)');
  await sql(`CREATE FUNCTION search_lexemes_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each branch names only the transition tables its trigger has (plpgsql plans a statement when it runs).
  IF TG_OP = 'INSERT' THEN
    INSERT INTO search_lexemes AS s (lexeme, documents)
      SELECT lexeme, count(*) FROM new_rows, unnest(tsvector_to_array(search_lemmas)) AS lexeme
      GROUP BY lexeme ORDER BY lexeme
      ON CONFLICT (lexeme) DO UPDATE SET documents = s.documents + excluded.documents;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO search_lexemes AS s (lexeme, documents)
      SELECT lexeme, -count(*) FROM old_rows, unnest(tsvector_to_array(search_lemmas)) AS lexeme
      GROUP BY lexeme ORDER BY lexeme
      ON CONFLICT (lexeme) DO UPDATE SET documents = s.documents + excluded.documents;
  ELSE
    INSERT INTO search_lexemes AS s (lexeme, documents)
      SELECT lexeme, sum(change) FROM (
        SELECT o.search_lemmas AS before, n.search_lemmas AS after
        FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE o.search_lemmas IS DISTINCT FROM n.search_lemmas) AS changed,
        LATERAL (SELECT unnest(tsvector_to_array(after)), 1
                 UNION ALL SELECT unnest(tsvector_to_array(before)), -1) AS c(lexeme, change)
      GROUP BY lexeme HAVING sum(change) <> 0 ORDER BY lexeme
      ON CONFLICT (lexeme) DO UPDATE SET documents = s.documents + excluded.documents;
  END IF;
  RETURN NULL;
END $$`);
  // Migrations run before Silta serves: no practice is written between the count and the triggers.
  await sql(
    `INSERT INTO search_lexemes (lexeme, documents) SELECT word, ndoc FROM ts_stat('SELECT search_lemmas FROM practices')`,
  );
  await sql(
    'CREATE TRIGGER search_lexemes_insert AFTER INSERT ON practices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexemes_count()',
  );
  await sql(
    'CREATE TRIGGER search_lexemes_update AFTER UPDATE ON practices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexemes_count()',
  );
  await sql(
    'CREATE TRIGGER search_lexemes_delete AFTER DELETE ON practices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexemes_count()',
  );
  await sql('ANALYZE search_lexemes');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  const sql = (statement: string) => qi.sequelize.query(statement);
  for (const trigger of ['search_lexemes_insert', 'search_lexemes_update', 'search_lexemes_delete'])
    await sql(`DROP TRIGGER IF EXISTS ${trigger} ON practices`);
  await sql('DROP FUNCTION IF EXISTS search_lexemes_count()');
  await sql('DROP TABLE IF EXISTS search_lexemes');
}
