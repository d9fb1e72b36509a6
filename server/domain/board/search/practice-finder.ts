import { QueryTypes, Utils, type Sequelize, type WhereOptions } from 'sequelize';
import { Practice } from '../../../store/models';
import type { Sort } from '../board.schema';
import { cardColumns, toCard, type PracticeCard } from '../practice-card';
import { planPostgresSearch } from './postgres-plan';
import { parseQuery, toFts5, toTsquery, type SearchQuery } from './query';

/** Counting stops past this many matches: the page says "more than 1,000" (a count of 30,000 costs the whole board). */
export const COUNT_CAP = 1000;

/** A card of a listing page, with the regions that adopted it (codes, oldest adoption first). */
export type ListedCard = PracticeCard & { adopterCodes: string[] };

/** A page of practices' cards, how many match (up to COUNT_CAP) and whether more than that do. */
export type PracticePage = { rows: ListedCard[]; count: number; more: boolean };

/** Said before a PostgreSQL statement that must read the GIN index (see findPracticePage); lasts for that statement. */
export const READ_FROM_INDEX = 'SET LOCAL enable_seqscan = off; ';

/** PostgreSQL ts_rank weights {D, C, B, A}: one title match outweighs any number of summary ones, and so on. */
const PG_WEIGHTS = `'{0.1, 0.1, 0.3, 1.0}'`;
/** FTS5 bm25 weights of title, title extras, summary, summary extras, body, body extras: the same tiers. */
const BM25 = 'bm25(practice_lemmas, 1000.0, 1000.0, 30.0, 30.0, 1.0, 1.0)';

const ORDER: Record<Exclude<Sort, 'relevance'>, string> = {
  newest: 'created_at',
  useful: 'useful_count',
  adopted: 'adoption_count',
};

/** A parsed board query, or null when the text has nothing to find (no words, or only excluded ones). */
export function readQuery(q: string | undefined): SearchQuery | null {
  // Control characters carry no words, and PostgreSQL refuses NUL in text.
  return q ? parseQuery(q.replace(/\p{Cc}/gu, ' ')) : null;
}

/**
 * One page of the practices that pass `filters` (and match `query` when given), in `sort` order
 * (relevance needs a query), with a count capped at COUNT_CAP. A listing page reads the index in
 * order and stops at the page's end, and a subquery of the same statement counts; relevance ranks
 * the newest COUNT_CAP matches that pass the filters (the same ones on both databases), title
 * above summary above body, and counts them in the same statement. SQL is built by Sequelize
 * from `filters`; the query reaches SQL as an escaped literal of quoted lemmas (query.ts) or a
 * replacement. A `limit` of 0 counts only.
 */
export async function findPracticePage(props: {
  filters: WhereOptions<Practice>;
  query?: SearchQuery | null;
  sort: Sort;
  limit: number;
  offset: number;
  /** The filters keep a small part of the board (one region): see `matching` below. */
  selective?: boolean;
}): Promise<PracticePage> {
  const sequelize = Practice.sequelize!;
  const postgres = sequelize.getDialect() === 'postgres';
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const table = q('Practice');
  const filtered = whereSql(sequelize, props.filters);
  /** The filters and full-text test as counting reads them, and as reads in id order do (PostgreSQL's plans differ). */
  let where = filtered;
  let whereInOrder = filtered;
  const replacements: unknown[] = [];
  let from = `practices AS ${table}`;
  /** The practices a page's cards are read from: the matched table, or on PostgreSQL the whole row joined to a search's match. */
  let cards = table;
  let cardsFrom = from;
  let score = '';
  /** Said before the statements that read matches in order, and before counting (PostgreSQL's plans, below). */
  let readPrefix = '';
  let countPrefix = '';
  // Matches, newest first, by id (given in the order practices are created): FTS5 hands its
  // matches out in rowid order, so SQLite stops at the page's end instead of sorting every match.
  let newestMatch = postgres ? `${table}.id DESC` : 'practice_lemmas.rowid DESC';
  if (props.query) {
    if (postgres) {
      // A search matches and filters in the narrow copy (migration 0041) and reads only the
      // page's cards from `practices`: walking the newest practices reads 1.2 KB a row, not 1.9.
      from = `practice_search AS ${table}`;
      cards = q('card');
      cardsFrom = `${from} JOIN practices AS ${cards} ON ${cards}.id = ${table}.id`;
      // Relevance ranks the newest COUNT_CAP matches (and one more tells "more"); newest first reads a page.
      const wanted = props.sort === 'relevance' ? COUNT_CAP + 1 : props.offset + props.limit;
      const plan = await planPostgresSearch(sequelize, props.query, wanted, COUNT_CAP + 1);
      // `id + 0` is no index order: PostgreSQL reads the matches from the GIN index and sorts them.
      if (plan.bitmap) newestMatch = `${table}.id + 0 DESC`;
      const tsquery = `${sequelize.escape(toTsquery(plan.query))}::tsquery`;
      const test = `${table}.search_lemmas @@ ${tsquery}`;
      // PostgreSQL's own costs do not decide (decisions 0041, 0042). What the plan reads from the
      // GIN index comes after a setting that keeps the sequential scan out, with the filters
      // wrapped so that no other index serves them: when a fifth of the board matched, its costs
      // chose to test every practice (10.5 ms for "rehabilitation" at 10,000 practices against
      // 2.5 from the index), or every practice of the board through its index. What the plan
      // walks has the test wrapped instead: otherwise PostgreSQL read every match from the index
      // and sorted them, twice the walk's time for two common words. The setting lasts for its
      // statement only.
      const hidden = (sql: string) => `coalesce(${sql}, false)`;
      // Selective filters (one region) are left to PostgreSQL: their index finds the region's few
      // practices to test, where the GIN index would read every match of the board. A count not
      // read from the index is too: its sequential scan stops at COUNT_CAP + 1 matches.
      const [readsIndex, countsIndex] = props.selective ? [false, false] : [plan.bitmap, plan.countByIndex];
      const fromIndex = `${hidden(filtered)} AND ${test}`;
      [readPrefix, whereInOrder] = readsIndex
        ? [READ_FROM_INDEX, fromIndex]
        : ['', `${filtered} AND ${plan.bitmap ? test : hidden(test)}`];
      [countPrefix, where] = countsIndex ? [READ_FROM_INDEX, fromIndex] : ['', `${filtered} AND ${test}`];
      score = `ts_rank(${PG_WEIGHTS}, ${table}.search_lemmas, ${tsquery})`;
    } else {
      // CROSS JOIN keeps FTS5 the outer loop: one full-text pass, then each match's row by id.
      // (A plain JOIN let the planner walk the practices and run the full-text query per row.)
      from = `practice_lemmas CROSS JOIN practices AS ${table} ON ${table}.id = practice_lemmas.rowid`;
      cardsFrom = from;
      where = whereInOrder = `${filtered} AND practice_lemmas MATCH ?`;
      replacements.push(toFts5(props.query));
      // bm25 is lower for a better match.
      score = `-${BM25}`;
    }
  }
  // What only needs the matches' ids (counting, ranking) reads them from here. With selective
  // filters on SQLite, the filtered practices are found first (through an index) and each
  // full-text match is only looked up among them, instead of reading every match's practice row
  // to test the filters: 1.2 against 4 ms for a common word in one region (decision 0040).
  const filteredFirst = Boolean(props.query && props.selective && !postgres);
  const matching = filteredFirst
    ? `practice_lemmas WHERE practice_lemmas MATCH ? AND +practice_lemmas.rowid IN (SELECT ${table}.id FROM practices AS ${table} WHERE ${filtered})`
    : `${from} WHERE ${where}`;
  const matchingInOrder = filteredFirst ? matching : `${from} WHERE ${whereInOrder}`;
  const matchId = filteredFirst ? 'practice_lemmas.rowid' : `${table}.id`;
  // A card's adopters come with its row: a statement of its own cost a round trip per page.
  const adopters = `(SELECT ${postgres ? 'string_agg' : 'group_concat'}(a.region_code, ',' ORDER BY a.id) FROM practice_adoptions AS a WHERE a.practice_id = ${cards}.id) AS ${q('adopterCodes')}`;
  const columns = `${cardColumns(cards)}, ${adopters}`;
  const byColumn = (column: string) => `${cards}.${column} DESC, ${cards}.id DESC`;
  const listed = props.sort === 'relevance' ? 'newest' : props.sort;
  const order = props.query && listed === 'newest' ? newestMatch : byColumn(ORDER[listed]);
  /** The matches counted up to COUNT_CAP + 1, on their own or as a page's column. */
  const capped = `SELECT count(*) FROM (SELECT 1 FROM ${matching} LIMIT ${COUNT_CAP + 1}) AS capped`;
  const counted = () =>
    sequelize
      .query<{ n: number | string }>(`${countPrefix}SELECT (${capped}) AS n`, {
        replacements,
        type: QueryTypes.SELECT,
      })
      .then((found) => Number(found[0]?.n ?? 0));
  /** The count a page's rows carry; a page past the matches has no row to carry it. */
  const carried = async (found: Record<string, unknown>[]) =>
    found.length ? Number(found[0].matchCount) : props.offset ? await counted() : 0;
  let rows: ListedCard[];
  let count: number;
  if (!props.limit) {
    rows = [];
    count = await counted();
  } else if (props.sort === 'relevance' && score) {
    // Ranking scores the newest COUNT_CAP matches only, so its cost stays bounded however large
    // the board; ids and scores are sorted, and only the page's 20 rows are read whole. The same
    // pass over the matches counts them (one more than ranked tells "more than COUNT_CAP"): a
    // second statement would run the full-text query and the filters again.
    const matches = `SELECT ${matchId} AS id, ${score} AS score FROM ${matchingInOrder} ORDER BY ${newestMatch} LIMIT ${COUNT_CAP + 1}`;
    // The matches are kept once and counted from there; the ranked are all but the oldest of
    // COUNT_CAP + 1. (Window functions numbering them by id sorted them again: 1-2 ms more on
    // SQLite, decision 0040.)
    const ranked = `(SELECT count(*) FROM matches) <= ${COUNT_CAP} OR matches.id > (SELECT min(id) FROM matches)`;
    const top = `SELECT matches.id, matches.score, (SELECT count(*) FROM matches) AS n FROM matches WHERE ${ranked} ORDER BY matches.score DESC, matches.id DESC LIMIT ? OFFSET ?`;
    const found = await sequelize.query<Record<string, unknown>>(
      `${readPrefix}WITH matches AS MATERIALIZED (${matches}) SELECT ${columns}, top.n AS ${q('matchCount')} FROM (${top}) AS top ${postgres ? 'JOIN' : 'CROSS JOIN'} practices AS ${cards} ON ${cards}.id = top.id ORDER BY top.score DESC, top.id DESC`,
      { replacements: [...replacements, props.limit, props.offset], type: QueryTypes.SELECT },
    );
    rows = found.map(toListedCard);
    count = await carried(found);
  } else {
    // The page carries its count, computed once: a statement of its own cost Silta a round trip
    // and the driver's work (decision 0042).
    // The newest matches' page is found in the narrow table before its cards are read.
    const sql =
      (readPrefix || countPrefix) +
      (cards !== table && listed === 'newest'
        ? `SELECT ${columns}, (${capped}) AS ${q('matchCount')} FROM (SELECT ${table}.id FROM ${from} WHERE ${whereInOrder} ORDER BY ${order} LIMIT ? OFFSET ?) AS page JOIN practices AS ${cards} ON ${cards}.id = page.id ORDER BY ${cards}.id DESC`
        : `SELECT ${columns}, (${capped}) AS ${q('matchCount')} FROM ${cardsFrom} WHERE ${whereInOrder} ORDER BY ${order} LIMIT ? OFFSET ?`);
    const found = await sequelize.query<Record<string, unknown>>(sql, {
      // The count's in the column list come first, then the page's.
      replacements: [...replacements, ...replacements, props.limit, props.offset],
      type: QueryTypes.SELECT,
    });
    rows = found.map(toListedCard);
    count = await carried(found);
  }
  return { rows, count: Math.min(count, COUNT_CAP), more: count > COUNT_CAP };
}

/** A listing row: its card and its adopters (a comma-separated list of region codes, or null). */
function toListedCard(row: Record<string, unknown>): ListedCard {
  const codes = row.adopterCodes;
  return Object.assign(toCard(row), { adopterCodes: typeof codes === 'string' && codes ? codes.split(',') : [] });
}

/** `filters` as SQL over the table alias `Practice`, as Sequelize's findAll would write them. */
function whereSql(sequelize: Sequelize, filters: WhereOptions<Practice>): string {
  const generator = sequelize.getQueryInterface().queryGenerator as unknown as {
    whereItemsQuery(where: unknown, options: object): string;
  };
  return generator.whereItemsQuery(Utils.mapWhereFieldNames(filters as object, Practice), {
    model: Practice,
    prefix: 'Practice',
  });
}
