import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { isLanguage } from '../../../i18n';
import { inTransaction } from '../../../store/transaction';
import { analyserName, analyseText, type AnalysedText } from './analyser';

/** Practices analysed and written per transaction when re-indexing. */
export const REINDEX_BATCH = 200;
/** PostgreSQL keeps positions up to this one and at most 256 of one lexeme. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 256;

/** The searched text of a practice, as its row holds it. */
export type PracticeText = {
  id: number;
  title: string;
  summary: string;
  need: string;
  whatWasDone: string;
  results: string;
  language: string;
};

/** A practice's lemmas by weight: title, summary and the rest (need, what was done, results). */
export type PracticeLemmas = { title: AnalysedText; summary: AnalysedText; body: AnalysedText };

/** Analyses a practice in its own language (an unknown language is read as Finnish, the default). */
export function lemmatise(practice: PracticeText): PracticeLemmas {
  const language = isLanguage(practice.language) ? practice.language : 'fi';
  return {
    title: analyseText(practice.title, language),
    summary: analyseText(practice.summary, language),
    body: analyseText(`${practice.need}\n${practice.whatWasDone}\n${practice.results}`, language),
  };
}

/**
 * The lemmas as a PostgreSQL tsvector literal. Positions run through title, summary and body in
 * the order of SQLite's columns (each word's primary lemma, then the extra lemmas), with a
 * position left empty between them, so that a phrase matches on both databases exactly where it
 * does in one FTS5 column. Weights: title A, summary B, body C.
 */
export function tsvectorLiteral(lemmas: PracticeLemmas): string {
  const positions = new Map<string, string[]>();
  let position = 1;
  const add = (terms: string[], weight: string) => {
    for (const term of terms) {
      const list = positions.get(term) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(position, MAX_POSITION)}${weight}`);
      positions.set(term, list);
      position++;
    }
    position++;
  };
  for (const [field, weight] of [
    ['title', 'A'],
    ['summary', 'B'],
    ['body', 'C'],
  ] as const) {
    add(lemmas[field].primaries, weight);
    add(lemmas[field].extras, weight);
  }
  // Lemmas are letters and digits only (analyser.ts): quoting needs no escaping.
  return [...positions].map(([term, list]) => `'${term}':${list.join(',')}`).join(' ');
}

/** The six FTS5 columns of `practice_lemmas` (migration 0015): each field's primaries, then its extras. */
export function fts5Columns(lemmas: PracticeLemmas): string[] {
  return (['title', 'summary', 'body'] as const).flatMap((field) => [
    lemmas[field].primaries.join(' '),
    lemmas[field].extras.join(' '),
  ]);
}

const FTS5_COLUMNS = 'rowid, title, title_x, summary, summary_x, body, body_x';

/** Writes the lemmas of practices into the search table (in `transaction` when given) and marks them analysed. */
export async function writeLemmas(
  sequelize: Sequelize,
  practices: PracticeText[],
  transaction?: Transaction,
): Promise<void> {
  if (!practices.length) return;
  const by = analyserName();
  const ids = practices.map((p) => p.id);
  if (sequelize.getDialect() === 'postgres') {
    const rows = practices.map(() => '(?::integer, ?::tsvector)').join(', ');
    await sequelize.query(
      `UPDATE practices AS p SET search_lemmas = v.lemmas, lemmatised_by = ? FROM (VALUES ${rows}) AS v(id, lemmas) WHERE p.id = v.id`,
      {
        replacements: [by, ...practices.flatMap((p) => [p.id, tsvectorLiteral(lemmatise(p))])],
        transaction,
      },
    );
    return;
  }
  const marks = ids.map(() => '?').join(', ');
  await sequelize.query(`DELETE FROM practice_lemmas WHERE rowid IN (${marks})`, { replacements: ids, transaction });
  await sequelize.query(
    `INSERT INTO practice_lemmas(${FTS5_COLUMNS}) VALUES ${practices.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    {
      replacements: practices.flatMap((p) => [p.id, ...fts5Columns(lemmatise(p))]),
      transaction,
    },
  );
  await sequelize.query(`UPDATE practices SET lemmatised_by = ? WHERE id IN (${marks})`, {
    replacements: [by, ...ids],
    transaction,
  });
}

type Row = {
  id: number;
  title: string;
  summary: string;
  need: string;
  what_was_done: string;
  results: string;
  language: string;
};

/**
 * Indexes every practice not yet analysed by this process's analyser, REINDEX_BATCH at a time, each
 * batch in its own transaction. Resumable: an interrupted run leaves finished batches marked, and
 * the next run starts from the first practice still unmarked. Returns how many it indexed.
 */
export async function reindexPractices(sequelize: Sequelize, onBatch?: (done: number) => void): Promise<number> {
  const by = analyserName();
  let done = 0;
  let after = 0;
  for (;;) {
    const rows = await sequelize.query<Row>(
      'SELECT id, title, summary, need, what_was_done, results, language FROM practices WHERE id > ? AND (lemmatised_by IS NULL OR lemmatised_by <> ?) ORDER BY id LIMIT ?',
      {
        replacements: [after, by, REINDEX_BATCH],
        type: QueryTypes.SELECT,
      },
    );
    if (!rows.length) return done;
    const practices = rows.map((r) => ({
      id: r.id,
      title: r.title,
      summary: r.summary,
      need: r.need,
      whatWasDone: r.what_was_done,
      results: r.results ?? '',
      language: r.language,
    }));
    await inTransaction(sequelize, (transaction) => writeLemmas(sequelize, practices, transaction));
    done += rows.length;
    after = rows[rows.length - 1].id;
    onBatch?.(done);
  }
}
