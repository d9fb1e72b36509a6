/**
 * A date read back from a raw query: a Date on PostgreSQL, text such as
 * `2026-11-23 10:00:00.000 +00:00` on SQLite.
 */
export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || !value) return null;
  const date = new Date(value.replace(' ', 'T').replace(/ ?([+-]\d\d:\d\d|Z)$/, '$1'));
  return Number.isNaN(date.getTime()) ? null : date;
}
