import type { QueryInterface } from 'sequelize';

/**
 * The theme and actor codes of board.schema.ts when this ran. A migration keeps its own copy: a
 * code added later gets its index from a migration of its own (test/board/tag-listing-indexes
 * fails until then).
 */
const TAGS: [column: 'themes' | 'actors', codes: string[]][] = [
  [
    'themes',
    [
      'work-ability-support',
      'early-support',
      'return-to-work',
      'mental-health',
      'musculoskeletal',
      'youth',
      'unemployed',
      'older-workers',
      'multiprofessional',
      'digital-services',
      'guidance',
      'service-chain',
    ],
  ],
  [
    'actors',
    [
      'social-services',
      'health-care',
      'rehabilitation',
      'employment-services',
      'occupational-health',
      'kela',
      'education',
      'workplaces',
      'ngos',
    ],
  ],
];

/** An index's name: `practices_theme_mental_health`, `practices_actor_kela`. */
export const tagIndexName = (column: 'themes' | 'actors', code: string) =>
  `practices_${column.slice(0, -1)}_${code.replace(/-/g, '_')}`;

/**
 * One partial index per theme and per actor, holding the visible practices that carry it, newest
 * first, with their status (drafts are left out; docs/decisions/0044). Its predicate is the filter
 * board.service.ts writes (`themes LIKE '%"code"%'`), so both databases read a theme's listing and
 * its capped count from it: 1,001 entries for "more than 1,000" instead of every visible
 * practice's entry in the board's listing index (8,100 at 10,000 practices, where a theme is on
 * one practice in six; PostgreSQL: 5.0 → 0.5 ms for the page and its count).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  for (const [column, codes] of TAGS)
    for (const code of codes)
      await qi.sequelize.query(
        `CREATE INDEX ${tagIndexName(column, code)} ON practices (issuer, board_key, created_at DESC, id DESC, status)
           WHERE hidden_at IS NULL AND ${column} LIKE '%"${code}"%'`,
      );
  // As in 0021: statistics on PostgreSQL only (SQLite would keep those of a table still empty).
  if (qi.sequelize.getDialect() === 'postgres') await qi.sequelize.query('ANALYZE practices');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const [column, codes] of TAGS)
    for (const code of codes) await qi.sequelize.query(`DROP INDEX IF EXISTS ${tagIndexName(column, code)}`);
}
