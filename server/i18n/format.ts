import { translator, type Language } from './index';

/** The locale each language formats in: Finland's Swedish, and British English (day before month, 24-hour clock). */
const LOCALE: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

/** Times are shown in Finland's time unless a launch says otherwise; never bare UTC. */
export const DEFAULT_TIME_ZONE = 'Europe/Helsinki';

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A number in the language's way: "1 234,5" in Finnish and Swedish, "1,234.5" in English. */
export function formatNumber(lang: Language, value: number, options: Intl.NumberFormatOptions = {}): string {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(LOCALE[lang], options)));
  return format.format(value);
}

function dateFormat(lang: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(LOCALE[lang], { ...options, timeZone })));
  return format;
}

/** A date and time, in the user's time zone (Europe/Helsinki by default). */
export function formatDateTime(lang: Language, date: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return dateFormat(lang, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A moment with its zone named, for logs people act on ("2.12.2026 klo 11.05 UTC+2", "02/12/2026, 11:05 EET"). */
export function formatZonedTime(lang: Language, date: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return dateFormat(lang, timeZone, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** A time of day with seconds, and the date too when it is not today, in the user's time zone. */
export function formatRecentTime(lang: Language, date: Date, now = new Date(), timeZone = DEFAULT_TIME_ZONE): string {
  const today = formatDate('en', now, timeZone) === formatDate('en', date, timeZone);
  return dateFormat(
    lang,
    timeZone,
    today ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'medium' },
  ).format(date);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A date alone, in the user's time zone (its formatter found without a key built from options: 20 per board page). */
export function formatDate(lang: Language, date: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const key = `${lang}|${timeZone}`;
  let format = dayFormats.get(key);
  if (!format) dayFormats.set(key, (format = dateFormat(lang, timeZone, { dateStyle: 'medium' })));
  return format.format(date);
}

/** A date and time in few characters, for tables (admin console), in the user's time zone. */
export function formatShortDateTime(lang: Language, date: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return dateFormat(lang, timeZone, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

/** A date written out ("2. joulukuuta 2026", "2 December 2026"), in the user's time zone. */
export function formatLongDate(lang: Language, date: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return dateFormat(lang, timeZone, { dateStyle: 'long' }).format(date);
}

/** A month of a year, for a table ("joulukuu 2026") or a chart axis ("12/2026"), in the user's time zone. */
export function formatMonth(lang: Language, date: Date, style: 'long' | 'short', timeZone = DEFAULT_TIME_ZONE): string {
  return dateFormat(
    lang,
    timeZone,
    style === 'long' ? { month: 'long', year: 'numeric' } : { month: 'numeric', year: 'numeric' },
  ).format(date);
}

/** The machine-readable form for `<time datetime>`. */
export const isoDateTime = (date: Date) => date.toISOString();

/**
 * A counted phrase with the right plural ("adopted by 1 region", "adopted by 3 regions"): the key
 * has `_one`/`_other` forms, chosen by Intl.PluralRules through i18next; the count is formatted.
 */
export function formatCount(lang: Language, key: string, count: number): string {
  return translator(lang)(key, { count, formatted: formatNumber(lang, count) });
}
