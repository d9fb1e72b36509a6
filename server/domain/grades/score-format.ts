import type { Language } from '../../i18n';
import { formatNumber as formatInLanguage } from '../../i18n/format';

/**
 * The one rule for a module score, wherever it is shown or sent (docs/decisions/0011): the
 * percent is rounded once, to two decimals, when the attempt is scored (`roundScore`), and every
 * page, CSV file and grade shows that number formatted for the reader's language with
 * Intl.NumberFormat: `91,67 %` in Finnish and Swedish, `91.67%` in English.
 */

const PERCENT: Intl.NumberFormatOptions = { style: 'percent', maximumFractionDigits: 2 };
const PLAIN: Intl.NumberFormatOptions = { maximumFractionDigits: 2, useGrouping: false };

/** The rounding rule: two decimals. */
export function roundScore(percent: number): number {
  return Math.round(percent * 100) / 100;
}

/** A percent score for a page in `lang`: `91,67 %` / `91.67%`. */
export function formatScore(percent: number, lang: Language): string {
  return formatInLanguage(lang, roundScore(percent) / 100, PERCENT);
}

/**
 * The same score as a bare number for a spreadsheet cell (`91,67` / `91.67`), without grouping,
 * so a spreadsheet in that language reads it as a number; the column header says it is percent.
 */
export function formatScoreNumber(percent: number, lang: Language): string {
  return formatNumber(roundScore(percent), lang);
}

/** A number of points or the like, up to two decimals, in `lang` (`1,5`). */
export function formatNumber(value: number, lang: Language): string {
  return formatInLanguage(lang, value, PLAIN);
}

/** The percent a grade sent to the platform stands for (scoreGiven of scoreMaximum). */
export function percentOfGrade(scoreGiven: number, scoreMaximum: number): number {
  return scoreMaximum > 0 ? roundScore((100 * scoreGiven) / scoreMaximum) : 0;
}
