import type { Language } from '../../i18n';
import { DEFAULT_TIME_ZONE, formatMonth } from '../../i18n/format';

/** Reports count by calendar month in Finnish time, where the network works. */
const TIME_ZONE = DEFAULT_TIME_ZONE;
// A machine key (YYYY-MM), never shown: en-CA writes dates year first. What users read goes through formatMonth.
const MONTH_KEY = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' });

/** A month as `YYYY-MM`. */
export type MonthKey = string;

/** The months a report covers, both ends included, and the platform (issuer) it is limited to. */
export type ReportPeriod = { from: MonthKey; to: MonthKey; months: MonthKey[]; platform?: string };

/** The month (in Finnish time) an instant falls in. */
export function monthOf(date: Date): MonthKey {
  return MONTH_KEY.format(date).slice(0, 7);
}

/** The month `count` months after `month` (before it when negative). */
export function addMonths(month: MonthKey, count: number): MonthKey {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** How many months from `from` to `to`, both included (0 or less when `to` is earlier). */
export function monthSpan(from: MonthKey, to: MonthKey): number {
  const index = (month: MonthKey) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return index(to) - index(from) + 1;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: MonthKey, to: MonthKey): MonthKey[] {
  return Array.from({ length: Math.max(0, monthSpan(from, to)) }, (_v, i) => addMonths(from, i));
}

/**
 * Instants that surely enclose the period: a day of margin either side covers the time zone, so
 * a query can use them and `monthOf` then decides the month exactly.
 */
export function periodBounds(period: ReportPeriod): { start: Date; end: Date } {
  const start = new Date(`${period.from}-01T00:00:00Z`);
  const end = new Date(`${addMonths(period.to, 1)}-01T00:00:00Z`);
  return { start: new Date(start.getTime() - 86_400_000), end: new Date(end.getTime() + 86_400_000) };
}

/** A month's name for a table (`marraskuu 2026`) or a chart axis (`11/2026`). */
export function monthLabel(month: MonthKey, lang: Language, style: 'long' | 'short'): string {
  return formatMonth(lang, new Date(`${month}-15T12:00:00Z`), style, TIME_ZONE);
}
