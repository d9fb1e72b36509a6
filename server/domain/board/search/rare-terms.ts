import { QueryTypes, type Sequelize } from 'sequelize';
import type { Item, SearchQuery } from './query';

/**
 * What PostgreSQL's `practice_terms` (migration 0026) tells a search before it runs, and the
 * condition that narrows it to a rare group's practices (docs/decisions/0033).
 *
 * A search walks the practices newest first and tests each row's tsvector until it has the
 * newest COUNT_CAP + 1 matches: cheap for a common word, a walk through most of the board for a
 * word that 1-5 % of practices contain. Reading a rare word's practices from the term index and
 * looking up each of them costs about twice a walked row, so the index is taken when the rarest
 * group's postings are fewer than sqrt(COUNT_CAP / 2 × board size) (where both cost the same):
 * about 7,000 at 100,000 practices, 2,200 at 10,000. The tsquery still decides what matches;
 * the index only chooses which rows are tested.
 */

/** One index probe: a lemma, or every lemma that begins with it. */
type Probe = { lemma: string; prefix: boolean };

/** The smallest board the rule assumes: before PostgreSQL's first ANALYZE a table's size reads -1. */
const MIN_BOARD = 1000;

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
 * when every group is common (the walk is cheaper). One statement counts every group's postings,
 * each up to the limit.
 */
export async function rareTermsCondition(
  sequelize: Sequelize,
  query: SearchQuery,
  idColumn: string,
  countCap: number,
): Promise<string | 'none' | null> {
  const groups = query.groups.map(probesOf);
  const limit = `(SELECT ceil(sqrt(greatest(reltuples, ${MIN_BOARD}) * ${countCap / 2}))::integer FROM pg_class WHERE oid = 'practices'::regclass)`;
  const counts = groups.map(
    (probes, i) => `(SELECT count(*) FROM (${postingsSql(sequelize, probes, 'id')} LIMIT ${limit}) AS g) AS g${i}`,
  );
  const [row] = await sequelize.query<Record<string, string | number>>(
    `SELECT ${limit} AS "limit", ${counts.join(', ')}`,
    { type: QueryTypes.SELECT },
  );
  const postings = groups.map((_, i) => Number(row[`g${i}`]));
  const rarest = postings.indexOf(Math.min(...postings));
  if (postings[rarest] === 0) return 'none';
  if (postings[rarest] >= Number(row.limit)) return null;
  return `${idColumn} IN (${postingsSql(sequelize, groups[rarest], 'practice_id')})`;
}
