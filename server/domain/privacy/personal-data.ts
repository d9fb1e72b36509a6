import type { Transaction } from 'sequelize';

/** How far erasure goes: `remove` deletes what the user posted instead of keeping it under "deleted user". */
export type EraseMode = { remove: boolean };

/**
 * One feature's share of what Silta holds about a user. Every feature that stores something
 * about a user adds a source to PERSONAL_DATA_SOURCES (personal-data-sources.ts); a test checks
 * that every table with a user column is claimed by one.
 */
export type PersonalDataSource = {
  /** Its key in the export. */
  name: string;
  /** The tables it reads and erases. */
  tables: readonly string[];
  /** Everything the tables hold about the user, as plain JSON. */
  export(userId: number, transaction: Transaction): Promise<unknown>;
  /** Removes or anonymises the user's personal data in the tables; leaves what others need working. */
  erase(userId: number, mode: EraseMode, transaction: Transaction): Promise<void>;
};

/** A user whose personal fields were erased has a `sub` like this (no platform sends one). */
export const ERASED_SUB_PREFIX = 'erased:';

/** Whether the user row was erased (its name is shown as "deleted user"). */
export const isErasedSub = (sub: string): boolean => sub.startsWith(ERASED_SUB_PREFIX);

/** Plain values of a model row without the given fields (secrets such as a launch session's token). */
export function plain<T extends { get(options: { plain: true }): object }>(
  row: T,
  omit: string[] = [],
): Record<string, unknown> {
  const values = row.get({ plain: true }) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(values).filter(([key]) => !omit.includes(key)));
}

/** Parses a JSON column for the export; a value that does not parse is exported as stored. */
export function json(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
