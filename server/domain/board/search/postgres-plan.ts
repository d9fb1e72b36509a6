import { QueryTypes, type Sequelize } from 'sequelize';
import type { Item, SearchQuery, Term } from './query';

/** A prefix covering more indexed lexemes than this stays a prefix: a long OR costs more than it saves. */
export const MAX_EXPANSION = 32;

/**
 * How PostgreSQL reads a search: `query` with each prefix term turned into the exact lexemes of
 * the index it covers (the same practices match), and `bitmap` when the matches are few enough to
 * read them all from the GIN index and sort them, rather than leave the order to the primary key
 * (PostgreSQL then walks the practices newest first, testing each, until `wanted` match).
 * `countByIndex` says the same for counting `counting` matches in any order (the index reads
 * every match's entry but only the rows up to the count; a scan tests rows until it has them).
 * `estimate` is the matches expected: at most the board, and never fewer than match.
 */
export type PostgresPlan = { query: SearchQuery; bitmap: boolean; countByIndex: boolean; estimate: number };

/** Tests choose the plan to check that both find the same ('walk': the order of the primary key); null lets the estimate decide. */
let forcedPlan: 'bitmap' | 'walk' | null = null;
/** For tests only: every search takes `plan` (null: the estimate decides again). */
export function forcePlanForTests(plan: 'bitmap' | 'walk' | null): void {
  forcedPlan = plan;
}

/**
 * What the bitmap pays per estimated match, in walked rows. A match read from the index costs
 * 2.3-2.75 walked rows (2.2 against 0.8 µs at 100,000 practices), and the estimate counts the
 * drafts and hidden practices the filters drop (a quarter) and a practice once per reading of a
 * word it has: measured on bench:board's searches at 10,000 and 100,000 practices, 1.6 puts
 * every one on its faster plan (decision 0042).
 */
const INDEX_MATCH_COST = 1.6;

/**
 * Counting's costs in µs, from EXPLAIN ANALYZE at 10,000 and 100,000 practices (decision 0042):
 * a match's entry in the GIN index, a row read through it (the estimate's matches include the
 * drafts and hidden practices the filters drop, a quarter), a row a scan tests.
 */
const COUNT_COST = { entry: 0.15, indexRow: 2.5, scannedRow: 0.9, filteredShare: 1.35 };

type Found = { term: number; lexeme: string | null; documents: number };

/**
 * Plans a search on PostgreSQL from `search_lexemes` (migration 0039) in one statement. The table
 * lists every lexeme of the index (its triggers run in the writer's transaction), so an expanded
 * prefix finds what the prefix found; its counts only steer the plan.
 */
export async function planPostgresSearch(
  sequelize: Sequelize,
  query: SearchQuery,
  wanted: number,
  counting: number,
): Promise<PostgresPlan> {
  const items = [...query.groups.flat(), ...query.excluded];
  const terms = new Map<string, Term>();
  for (const term of items.flatMap(termsOf)) terms.set(keyOf(term), term);
  const list = [...terms.values()];
  const found = await sequelize.query<Found>(
    `SELECT t.n::integer AS term, l.lexeme, l.documents
       FROM unnest(ARRAY[:lemmas]::text[], ARRAY[:prefixes]::boolean[]) WITH ORDINALITY AS t(lemma, prefix, n)
       CROSS JOIN LATERAL (
         SELECT lexeme, documents FROM search_lexemes
          WHERE lexeme >= t.lemma COLLATE "C"
            AND lexeme <= (CASE WHEN t.prefix THEN t.lemma || chr(1114111) ELSE t.lemma END) COLLATE "C"
            AND documents > 0
          ORDER BY lexeme LIMIT ${MAX_EXPANSION + 1}) AS l
     UNION ALL SELECT 0, NULL, greatest(reltuples, 0)::integer FROM pg_class WHERE oid = 'practices'::regclass`,
    {
      replacements: { lemmas: list.map((t) => t.lemma), prefixes: list.map((t) => t.prefix) },
      type: QueryTypes.SELECT,
    },
  );
  const board = found.find((f) => f.term === 0)?.documents ?? 0;
  const lexemes = new Map<string, { lexeme: string; documents: number }[]>(list.map((t) => [keyOf(t), []]));
  for (const f of found)
    if (f.term > 0 && f.lexeme)
      lexemes.get(keyOf(list[f.term - 1]))!.push({ lexeme: f.lexeme, documents: f.documents });
  /** A term's exact lexemes, or null when it stays as it is (too many, or one a tsquery literal cannot quote). */
  const expansion = (term: Term) => {
    const exact = lexemes.get(keyOf(term))!;
    return term.prefix && (exact.length > MAX_EXPANSION || exact.some((e) => !/^[\p{L}\p{N}]+$/u.test(e.lexeme)))
      ? null
      : exact;
  };
  const documents = (term: Term) => expansion(term)?.reduce((sum, e) => sum + e.documents, 0) ?? board;
  /** A word's practices: at most those of its distinct lexemes together (its readings often share them). */
  const wordEstimate = (terms: Term[]) => {
    const exact = terms.map(expansion);
    if (exact.some((e) => !e)) return board;
    return [...new Map(exact.flatMap((e) => e!.map((x) => [x.lexeme, x.documents]))).values()].reduce(
      (sum, n) => sum + n,
      0,
    );
  };
  const estimateOf = (item: Item) =>
    item.kind === 'word'
      ? wordEstimate(item.terms)
      : item.readings.reduce(
          (sum, reading) => sum + Math.min(...reading.map((lemma) => documents({ lemma, prefix: false }))),
          0,
        );
  // Every group must match: the rarest bounds the matches (words that go together make an
  // independence estimate far too low: "employment" comes with "supported" in every practice).
  const estimate = Math.min(board, ...query.groups.map((g) => g.reduce((sum, item) => sum + estimateOf(item), 0)));
  const expandItem = (item: Item): Item =>
    item.kind === 'phrase'
      ? item
      : {
          kind: 'word',
          terms: dedupe(
            item.terms.flatMap((t) => {
              const exact = t.prefix ? expansion(t) : null;
              // A prefix no lexeme begins with: its own lemma, which no practice has either.
              if (exact && !exact.length) return [{ lemma: t.lemma, prefix: false }];
              return exact ? exact.map((e) => ({ lemma: e.lexeme, prefix: false })) : [t];
            }),
          ),
        };
  // The walk tests about wanted x board / matches rows, the index reads every match: even at
  // sqrt(wanted x board / INDEX_MATCH_COST) estimated matches (decision 0042).
  const bitmap = forcedPlan ? forcedPlan === 'bitmap' : INDEX_MATCH_COST * estimate * estimate <= wanted * board;
  // A count stops at `counting` rows that pass the filters: through the index after reading
  // every match's entry, by a scan after testing about counting x board / matches rows.
  const { entry, indexRow, scannedRow, filteredShare } = COUNT_COST;
  const countByIndex = forcedPlan
    ? forcedPlan === 'bitmap'
    : entry * estimate + indexRow * counting * filteredShare <=
      (scannedRow * counting * board * filteredShare) / Math.max(estimate, 1);
  return {
    query: { groups: query.groups.map((g) => g.map(expandItem)), excluded: query.excluded.map(expandItem) },
    bitmap,
    countByIndex,
    estimate,
  };
}

/** The index terms an item looks up: a word's terms, a phrase's lemmas (exact). */
function termsOf(item: Item): Term[] {
  return item.kind === 'word'
    ? item.terms
    : item.readings.flatMap((reading) => reading.map((lemma) => ({ lemma, prefix: false })));
}

const keyOf = (term: Term) => `${term.prefix ? '*' : '='}${term.lemma}`;

function dedupe(terms: Term[]): Term[] {
  return [...new Map(terms.map((t) => [keyOf(t), t])).values()];
}
