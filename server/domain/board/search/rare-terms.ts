import { QueryTypes, type Sequelize } from 'sequelize';
import type { Item, SearchQuery } from './query';

/**
 * What PostgreSQL's `practice_terms` (migration 0026) tells a search before it runs, and the
 * condition that narrows it to a rare group's practices (docs/decisions/0033).
 *
 * A search walks the practices newest first and tests each row's tsvector until it has the
 * newest COUNT_CAP + 1 matches: cheap for a common word, a walk through most of the board for a
 * word that 1-5 % of practices contain. Looking up the practices of a rare word from the term
 * index costs about four walked rows each (EXPLAIN ANALYZE at 10,000 and 100,000 practices), so
 * the index is taken when the rarest group's postings are fewer than sqrt(COUNT_CAP / 4 × board
 * size), where both cost the same: 5,000 at 100,000 practices. On a board under TERMS_FROM the
 * walk is short anyway and the statement that counts postings would cost more than it saves.
 * The tsquery still decides what matches; the index only chooses which rows are tested.
 */
/** One index probe: a lemma, or every lemma that begins with it. */
type Probe = { lemma: string; prefix: boolean };

/** Practices (all boards) from which a search asks the term index first. */
export const TERMS_FROM = 20_000;
/** How often the number of practices is read again (PostgreSQL's estimate, kept by ANALYZE and autovacuum). */
const SIZE_TTL_MS = 60_000;

let size: { rows: number; at: number } | undefined;

/** The number of practices, as PostgreSQL estimates it (-1 before its first ANALYZE), read at most once a minute. */
async function boardSize(sequelize: Sequelize): Promise<number> {
  if (!size || Date.now() - size.at > SIZE_TTL_MS) {
    const [row] = await sequelize.query<{ rows: number }>(
      "SELECT reltuples AS rows FROM pg_class WHERE oid = 'practices'::regclass",
      { type: QueryTypes.SELECT },
    );
    size = { rows: Number(row?.rows ?? 0), at: Date.now() };
  }
  return size.rows;
}

/** Tests set the size the rule sees (undefined: read it from the database again). */
export function setBoardSizeForTests(rows: number | undefined): void {
  size = rows === undefined ? undefined : { rows, at: Number.POSITIVE_INFINITY };
}

/** The longest lemma of a phrase's reading stands for it: any practice with the phrase has it. */
const longest = (reading: string[]) => reading.reduce((a, b) => (b.length > a.length ? b : a), '');

/** The probes that find every practice a group (items joined by `or`) can match, none covered by another. */
export function probesOf(group: Item[]): Probe[] {
  const all = new Map<string, Probe>();
  for (const item of group) {
    const probes =
      item.kind === 'word'
        ? item.terms.map((t) => ({ lemma: t.lemma, prefix: t.prefix }))
        : item.readings.map((r) => ({ lemma: longest(r), prefix: false }));
    for (const p of probes) all.set(`${p.lemma}${p.prefix ? '*' : ''}`, p);
  }
  const list = [...all.values()];
  // "verkostokok*" already reads what "verkostokokous*" and "verkostokokous" would.
  return list.filter((p) => !list.some((o) => o !== p && o.prefix && p.lemma.startsWith(o.lemma)));
}

/** The practice ids of a group's probes (one index range each; a practice may come more than once). */
function postingsSql(sequelize: Sequelize, probes: Probe[], column: string): string {
  return probes
    .map((p) => {
      const lemma = sequelize.escape(p.lemma);
      // chr(1114111), the last code point, sorts after every letter that can follow the prefix.
      const where = p.prefix ? `lemma >= ${lemma} AND lemma < ${lemma} || chr(1114111)` : `lemma = ${lemma}`;
      return `SELECT practice_id AS ${column} FROM practice_terms WHERE ${where}`;
    })
    .join(' UNION ALL ');
}

/**
 * The condition that limits a search to the practices of its rarest group, when that group is
 * rare enough (see above): `none` when a group has no practice at all (nothing can match), `null`
 * when every group is common or the board small (the walk is cheaper). One statement counts
 * every group's postings, each up to the limit.
 */
export async function rareTermsCondition(
  sequelize: Sequelize,
  query: SearchQuery,
  idColumn: string,
  countCap: number,
): Promise<string | 'none' | null> {
  const rows = await boardSize(sequelize);
  if (rows < TERMS_FROM) return null;
  const limit = Math.ceil(Math.sqrt((countCap / 4) * rows));
  const groups = query.groups.map(probesOf);
  const counts = groups.map(
    (probes, i) => `(SELECT count(*) FROM (${postingsSql(sequelize, probes, 'id')} LIMIT ${limit}) AS g) AS g${i}`,
  );
  const [row] = await sequelize.query<Record<string, string | number>>(`SELECT ${counts.join(', ')}`, {
    type: QueryTypes.SELECT,
  });
  const postings = groups.map((_, i) => Number(row[`g${i}`]));
  const rarest = postings.indexOf(Math.min(...postings));
  if (postings[rarest] === 0) return 'none';
  if (postings[rarest] >= limit) return null;
  return `${idColumn} IN (${postingsSql(sequelize, groups[rarest], 'practice_id')})`;
}
