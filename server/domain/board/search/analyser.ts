// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the browser tsconfig reaches this file through shared imports and does not include server/**/*.d.ts
/// <reference path="./snowball-stemmers.d.ts" />
import { newStemmer, type Stemmer } from 'snowball-stemmers';
import type { Language } from '../../../i18n';
import { loadVoikko, type Voikko, type VoikkoAnalysis } from './voikko';

/** A word longer than this is cut: nobody searches for it, and PostgreSQL limits lexemes. */
const MAX_WORD = 60;
/** Words of a text beyond this many are not indexed (PostgreSQL positions end at 16,383). */
const MAX_WORDS = 4000;
/** Analyses remembered per language, so reindexing and repeated queries skip the analyser. */
const CACHE_SIZE = 50_000;

/** The lemmas of one word form: `primary` keeps its place in the text (phrases), the others are extra index terms. */
export type WordLemmas = { primary: string; baseforms: string[]; parts: string[] };

/** Which analyser reads Finnish: Voikko, or Snowball when libvoikko is missing (and why). */
export type AnalyserStatus = { finnish: 'voikko' } | { finnish: 'snowball'; reason: string };

const stemmers: Record<'fi' | 'sv' | 'en', Stemmer> = {
  fi: newStemmer('finnish'),
  sv: newStemmer('swedish'),
  en: newStemmer('english'),
};

let voikkoState: { voikko: Voikko } | { error: string } | undefined;
function voikko(): Voikko | undefined {
  voikkoState ??= process.env.SILTA_NO_VOIKKO === '1' ? { error: 'SILTA_NO_VOIKKO=1' } : loadVoikko();
  return 'voikko' in voikkoState ? voikkoState.voikko : undefined;
}

/** How Finnish is analysed in this process (loads Voikko on first call). */
export function analyserStatus(): AnalyserStatus {
  voikko();
  return voikkoState && 'error' in voikkoState
    ? { finnish: 'snowball', reason: voikkoState.error }
    : { finnish: 'voikko' };
}

/** The name stored with each indexed practice, so a change of analyser can be re-indexed. */
export function analyserName(): string {
  return analyserStatus().finnish === 'voikko' ? 'voikko-1' : 'snowball-1';
}

/** The words of a text, in order: runs of letters and digits, NFC. */
export function wordsOf(text: string): string[] {
  return (text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

const lower = (word: string) => word.toLowerCase().slice(0, MAX_WORD);

/**
 * The parts of a Finnish compound from Voikko's WORDBASES: `+työ(työ)+kyky(kyky)` → työ, kyky.
 * A part whose base starts with `+` is a derivational ending (`+palvel(palvella)+u(+u)`), kept
 * with the part before it (palvelu), so derivations are not split.
 */
function compoundParts(wordbases: string): string[] {
  const groups: { base: string; surface: string; derived: boolean }[] = [];
  for (const [, surface, base] of wordbases.matchAll(/\+([^(+]*)\(([^)]*)\)/g)) {
    const last = groups.at(-1);
    if (last && base.startsWith('+')) {
      last.surface += surface;
      last.derived = true;
    } else groups.push({ base: base.replace(/=/g, ''), surface, derived: false });
  }
  if (groups.length < 2) return [];
  return groups.map((g) => lower(g.derived ? g.surface : g.base)).filter((part) => part.length >= 2);
}

/** Finnish: Voikko's readings (nouns first, as board texts are mostly about things), else Snowball. */
function finnish(word: string): WordLemmas {
  const analyses: VoikkoAnalysis[] = voikko()?.analyse(word) ?? [];
  if (!analyses.length) {
    const stem = lower(stemmers.fi.stem(lower(word)));
    return { primary: stem, baseforms: [stem], parts: [] };
  }
  const ordered = [
    ...analyses.filter((a) => a.wordClass === 'nimisana'),
    ...analyses.filter((a) => a.wordClass !== 'nimisana'),
  ];
  const baseforms = [...new Set(ordered.map((a) => lower(a.baseform)).filter(Boolean))];
  const parts = [...new Set(ordered.flatMap((a) => compoundParts(a.wordbases)))];
  return { primary: baseforms[0] ?? lower(word), baseforms, parts };
}

/** Swedish: Snowball, and a definite form in -an (förmågan) also read without its -n (förmåga). */
function swedish(word: string): WordLemmas {
  const w = lower(word);
  const stem = stemmers.sv.stem(w);
  if (w.length >= 6 && w.endsWith('an')) {
    const indefinite = stemmers.sv.stem(w.slice(0, -1));
    return { primary: indefinite, baseforms: [...new Set([indefinite, stem])], parts: [] };
  }
  return { primary: stem, baseforms: [stem], parts: [] };
}

function english(word: string): WordLemmas {
  const stem = stemmers.en.stem(lower(word));
  return { primary: stem, baseforms: [stem], parts: [] };
}

const READERS: Record<Language, (word: string) => WordLemmas> = { fi: finnish, sv: swedish, en: english };
const caches: Record<Language, Map<string, WordLemmas>> = { fi: new Map(), sv: new Map(), en: new Map() };

/** The lemmas of one word form in a language; all lower-case letters and digits. */
export function lemmasOf(word: string, language: Language): WordLemmas {
  const cache = caches[language];
  const known = cache.get(word);
  if (known) return known;
  const lemmas = READERS[language](word);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(word, lemmas);
  return lemmas;
}

/** A text as index terms: the primary lemma of each word in order, then every other lemma and compound part once. */
export type AnalysedText = { primaries: string[]; extras: string[] };

/** Analyses a practice's text in the practice's language. */
export function analyseText(text: string, language: Language): AnalysedText {
  const primaries: string[] = [];
  const extras = new Set<string>();
  for (const word of wordsOf(text)) {
    const lemmas = lemmasOf(word, language);
    primaries.push(lemmas.primary);
    for (const term of [...lemmas.baseforms, ...lemmas.parts]) if (term !== lemmas.primary) extras.add(term);
  }
  return { primaries, extras: [...extras] };
}
