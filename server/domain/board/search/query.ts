import type { Language } from '../../../i18n';
import { lemmasOf, wordsOf } from './analyser';

/** How many words of a query count; more make the index work without finding better. */
export const MAX_QUERY_WORDS = 16;
/** A phrase's readings in all languages are tried; beyond this many, the first ones only. */
const MAX_PHRASE_READINGS = 8;
/** A lemma this long or longer also finds the index terms it begins (palvelu → palveluketju). */
const PREFIX_FROM = 4;
const LANGUAGES: Language[] = ['fi', 'sv', 'en'];

/** One index term of a query: a lemma, and whether terms that begin with it match too. */
export type Term = { lemma: string; prefix: boolean };
/** What one word or phrase of a query matches: any of its readings (a word: terms; a phrase: term sequences). */
export type Item = { kind: 'word'; terms: Term[] } | { kind: 'phrase'; readings: string[][] };
/** A query: every group must match (a group matches when one of its items does), no excluded item may. */
export type SearchQuery = { groups: Item[][]; excluded: Item[] };

/** A query word's readings in every language (the practice's language is not known beforehand). */
function wordItem(word: string): Item {
  const lemmas = [...new Set(LANGUAGES.flatMap((language) => lemmasOf(word, language).baseforms))];
  return { kind: 'word', terms: lemmas.map((lemma) => ({ lemma, prefix: lemma.length >= PREFIX_FROM })) };
}

/** A phrase's readings: its words' primary lemmas in order, per language (and Finnish alternatives). */
function phraseItem(words: string[]): Item {
  const readings = new Map<string, string[]>();
  for (const language of LANGUAGES) {
    // The index keeps one primary lemma per word; a query word with several readings tries each.
    let sequences: string[][] = [[]];
    for (const word of words) {
      const lemmas = lemmasOf(word, language);
      const options = [lemmas.primary, ...lemmas.baseforms.filter((b) => b !== lemmas.primary)];
      sequences = sequences.flatMap((s) => options.map((o) => [...s, o])).slice(0, MAX_PHRASE_READINGS);
    }
    for (const s of sequences) readings.set(s.join(' '), s);
  }
  return { kind: 'phrase', readings: [...readings.values()].slice(0, MAX_PHRASE_READINGS * LANGUAGES.length) };
}

/**
 * Reads a query as a search engine would: words must all match, `"…"` is a phrase, `or` between
 * two words or phrases lets either match, `-word` or `-"…"` excludes. Any other punctuation is a
 * word break (a hyphenated word is a phrase). Null when nothing positive is left to find.
 */
export function parseQuery(text: string): SearchQuery | null {
  const groups: Item[][] = [];
  const excluded: Item[] = [];
  let words = 0;
  let joinNext = false;
  // A quoted phrase (closing quote optional), or a run of anything but spaces and quotes.
  for (const [, negation, quoted, bare] of text.normalize('NFC').matchAll(/(-?)(?:"([^"]*)"?|([^\s"]+))/gu)) {
    const raw = quoted ?? bare ?? '';
    if (!negation && quoted === undefined && /^or$/i.test(raw)) {
      joinNext = groups.length > 0;
      continue;
    }
    const found = wordsOf(raw).slice(0, MAX_QUERY_WORDS - words);
    if (!found.length) continue;
    words += found.length;
    const item = quoted !== undefined || found.length > 1 ? phraseItem(found) : wordItem(found[0]);
    if (negation) excluded.push(item);
    else if (joinNext) groups.at(-1)!.push(item);
    else groups.push([item]);
    joinNext = false;
    if (words >= MAX_QUERY_WORDS) break;
  }
  return groups.length ? { groups, excluded } : null;
}

// Lemmas are letters and digits only (analyser.ts), so quoting them needs no escaping.

/** The query as an FTS5 expression over every column of the lemma table. */
export function toFts5(query: SearchQuery): string {
  const item = (i: Item) =>
    i.kind === 'word'
      ? `(${i.terms.map((t) => `"${t.lemma}"${t.prefix ? '*' : ''}`).join(' OR ')})`
      : `(${i.readings.map((r) => `"${r.join(' ')}"`).join(' OR ')})`;
  const positive = query.groups.map((g) => `(${g.map(item).join(' OR ')})`).join(' AND ');
  return query.excluded.length ? `(${positive}) NOT (${query.excluded.map(item).join(' OR ')})` : positive;
}

/** The same query as a PostgreSQL tsquery (lexemes quoted; `:*` is a prefix, `<->` the next position). */
export function toTsquery(query: SearchQuery): string {
  const item = (i: Item) =>
    i.kind === 'word'
      ? `(${i.terms.map((t) => `'${t.lemma}'${t.prefix ? ':*' : ''}`).join(' | ')})`
      : `(${i.readings.map((r) => `(${r.map((l) => `'${l}'`).join(' <-> ')})`).join(' | ')})`;
  const positive = query.groups.map((g) => `(${g.map(item).join(' | ')})`).join(' & ');
  return query.excluded.length ? `(${positive}) & !(${query.excluded.map(item).join(' | ')})` : positive;
}
