import { QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import type { Language } from '../../i18n';
import { Practice } from '../../store/models';
import type { Sort } from './board.schema';

type Literal = ReturnType<Sequelize['literal']>;

/** How many words of a query count; more would only make SQLite's prefix query slower. */
const MAX_TERMS = 16;

/** PostgreSQL text search configuration of each practice language (as in migration 0005). */
const PG_CONFIGS: Record<Language, string> = { fi: 'finnish', sv: 'swedish', en: 'english' };

/**
 * The words of a query for SQLite's FTS5: letters and digits only, each quoted (so `NEAR`, `OR`,
 * `:` or `-` are plain words, never syntax) and made a prefix term, so "työkyky" also finds
 * "työkykyä" and "työkykykoordinaattori". Null when the query has no word at all.
 */
export function ftsQuery(q: string): string | null {
  const words = q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.slice(0, MAX_TERMS).map((w) => `"${w}"*`).join(' ') : null;
}

/** A page of practices and how many there are in all. */
export type PracticePage = { rows: Practice[]; count: number };

/** A full-text condition on practices (table alias `Practice`), and a page of matches best first. */
export type TextSearch = {
  where: Literal;
  /** The page of practices matching `where` (which includes this search), by relevance, then newest id. */
  relevancePage(props: { where: WhereOptions<Practice>; limit: number; offset: number }): Promise<PracticePage>;
};

/**
 * The full-text search of practices for the store's database. PostgreSQL reads the query with
 * websearch_to_tsquery in Finnish, Swedish and English and matches each practice with the reading
 * in its own language (so a Finnish query finds Finnish word forms, and `-word` excludes as it
 * should), ranking with ts_rank over the weighted vector. SQLite matches the FTS5 index and ranks
 * with bm25, title over summary over the rest. The user's text reaches SQL only as an escaped
 * string literal or a replacement.
 */
export function textSearch(sequelize: Sequelize, q: string): TextSearch {
  // Control characters carry no words, and PostgreSQL refuses NUL in text.
  const text = q.replace(/\p{Cc}/gu, ' ');
  return sequelize.getDialect() === 'postgres' ? postgresSearch(sequelize, text) : sqliteSearch(sequelize, text);
}

function postgresSearch(sequelize: Sequelize, text: string): TextSearch {
  const escaped = sequelize.escape(text);
  const readings = Object.entries(PG_CONFIGS).map(([language, config]) => ({ language, tsquery: `websearch_to_tsquery('${config}', ${escaped})` }));
  // One OR branch per language, each with a constant tsquery, so the GIN index serves all three.
  const where = readings.map((r) => `("Practice"."language" = '${r.language}' AND "Practice"."search_vector" @@ ${r.tsquery})`).join(' OR ');
  const ownReading = `CASE "Practice"."language" ${readings.map((r) => `WHEN '${r.language}' THEN ${r.tsquery}`).join(' ')} END`;
  const rank = sequelize.literal(`ts_rank("Practice"."search_vector", ${ownReading})`);
  return {
    where: sequelize.literal(`(${where})`),
    relevancePage: (props) => Practice.findAndCountAll({ ...props, order: [[rank, 'DESC'], ['id', 'DESC']] }),
  };
}

function sqliteSearch(sequelize: Sequelize, text: string): TextSearch {
  const match = ftsQuery(text);
  if (!match) return { where: sequelize.literal('0 = 1'), relevancePage: async () => ({ rows: [], count: 0 }) };
  return {
    where: sequelize.literal(`\`Practice\`.\`id\` IN (SELECT rowid FROM practice_search WHERE practice_search MATCH ${sequelize.escape(match)})`),
    // Ranking in the listing's ORDER BY would run the prefix query again for every match, so
    // the scores come from one pass over the index and the filtered ids are ordered here.
    async relevancePage({ where, limit, offset }) {
      // bm25 is lower for a better match; the weights follow the columns: title, summary, body.
      const scored = await sequelize.query<{ id: number; score: number }>('SELECT rowid AS id, bm25(practice_search, 10.0, 4.0, 1.0) AS score FROM practice_search WHERE practice_search MATCH ?', { replacements: [match], type: QueryTypes.SELECT });
      const scores = new Map(scored.map((r) => [r.id, r.score]));
      const ids = (await Practice.findAll({ where, attributes: ['id'], raw: true })).map((r) => r.id);
      ids.sort((a, b) => (scores.get(a) ?? 0) - (scores.get(b) ?? 0) || b - a);
      const pageIds = ids.slice(offset, offset + limit);
      const byId = new Map((await Practice.findAll({ where: { id: pageIds } })).map((p) => [p.id, p]));
      return { rows: pageIds.flatMap((id) => byId.get(id) ?? []), count: ids.length };
    },
  };
}

/** The order a listing uses: relevance by default when searching, newest otherwise; relevance needs a query. */
export function listingSort(query: { q?: string; sort?: Sort }): Sort {
  if (query.q) return query.sort ?? 'relevance';
  return query.sort && query.sort !== 'relevance' ? query.sort : 'newest';
}
