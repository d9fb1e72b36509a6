import { QueryTypes, type Model, type ModelStatic, type Transaction } from 'sequelize';

/** A row written by its unique key: the key's attributes, and the other attributes to set. */
export type UpsertRow = {
  model: ModelStatic<Model & { id: number }>;
  key: Record<string, unknown>;
  values: Record<string, unknown>;
};

const sqlCache = new Map<string, string>();
const quote = (name: string) => `"${name}"`;

/** The statement for one model and one set of attributes (cached: a launch builds the same few again and again). */
function upsertSql(model: UpsertRow['model'], keyNames: string[], valueNames: string[]): string {
  const cacheKey = `${model.name}|${keyNames.join(',')}|${valueNames.join(',')}`;
  let sql = sqlCache.get(cacheKey);
  if (sql) return sql;
  const attributes = model.getAttributes();
  const column = (name: string) => {
    const field = (attributes as Record<string, { field?: string } | undefined>)[name]?.field;
    if (!field) throw new Error(`${model.name} has no attribute ${name}`);
    return quote(field);
  };
  const names = [...keyNames, ...valueNames];
  const columns = [...names.map(column), '"created_at"', '"updated_at"'];
  const placeholders = [...names.map((_, i) => `:v${i}`), ':now', ':now'];
  const updates = [...valueNames.map(column), '"updated_at"'].map((c) => `${c} = excluded.${c}`);
  // The leading comment matters: Sequelize's SQLite dialect runs SQL that starts with "insert into"
  // without reading its rows, and the row RETURNING gives is what we want.
  sql = `/* upsert */ INSERT INTO ${quote(model.getTableName() as string)} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) ON CONFLICT (${keyNames.map(column).join(', ')}) DO UPDATE SET ${updates.join(', ')} RETURNING "id"`;
  sqlCache.set(cacheKey, sql);
  return sql;
}

/**
 * Inserts a row, or updates the row that holds its unique key, in ONE statement (both SQLite and
 * PostgreSQL know `INSERT … ON CONFLICT … DO UPDATE … RETURNING`), and returns the row's id. Two
 * writers of the same key at once cannot collide: on PostgreSQL the second waits for the first's
 * row and updates it, where a read-then-insert would fail on the unique index. `updated_at`
 * becomes now either way (for users it tells when they were last active).
 */
export async function upsertRow(row: UpsertRow, transaction?: Transaction): Promise<number> {
  const keyNames = Object.keys(row.key);
  const valueNames = Object.keys(row.values);
  const replacements: Record<string, unknown> = { now: new Date() };
  [...keyNames.map((n) => row.key[n]), ...valueNames.map((n) => row.values[n])].forEach(
    (value, i) => (replacements[`v${i}`] = value),
  );
  const rows = await row.model.sequelize!.query<{ id: number }>(upsertSql(row.model, keyNames, valueNames), {
    replacements,
    type: QueryTypes.SELECT,
    transaction,
  });
  if (!rows[0]) throw new Error(`upsert into ${row.model.name} returned no row`);
  return Number(rows[0].id);
}
