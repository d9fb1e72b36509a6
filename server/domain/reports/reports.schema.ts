import { z } from 'zod';
import { SiltaError } from '../../errors';
import { LANGUAGES } from '../../i18n';
import { addMonths, monthOf, monthsBetween, monthSpan, type ReportPeriod } from './report-period';

/** The longest period one report covers. */
export const MAX_REPORT_MONTHS = 60;
/** The period shown when none is chosen: the last twelve months. */
const DEFAULT_MONTHS = 12;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
// An empty field of the filter form means "not chosen".
const optional = (schema: z.ZodString) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The filter of every report page and CSV download (a GET form: from, to, platform). */
export const reportQuery = z.object({
  from: optional(z.string().max(20)),
  to: optional(z.string().max(20)),
  platform: optional(z.string().trim().max(512)),
  lang: z.enum(LANGUAGES).optional(),
});
export type ReportQuery = z.infer<typeof reportQuery>;

/** The reports and the charts each one has (`/admin/reports/<report>`, `<report>/<chart>.csv`). */
export const REPORTS = {
  completions: ['by-region', 'by-month'],
  board: ['activity', 'adoptions', 'waves'],
  sessions: ['participation'],
} as const;
export type ReportName = keyof typeof REPORTS;

export const reportParam = z.object({ report: z.enum(Object.keys(REPORTS) as [ReportName, ...ReportName[]]) }).strict();
export const csvParam = reportParam.extend({ chart: z.string().regex(/^[a-z-]{1,40}$/) }).strict();

/**
 * The period a filter asks for. Months are `YYYY-MM`; a missing end is this month, a missing
 * start twelve months before the end. A month in another form is `report_month_invalid`, a start
 * after the end `report_period_reversed`, more than MAX_REPORT_MONTHS `report_period_too_long`.
 */
export function periodOf(query: ReportQuery, platforms: readonly string[], now: Date = new Date()): ReportPeriod {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !MONTH.test(value))
      throw new SiltaError('report_month_invalid', 'bad_request', `${field}: ${value}`, { value });
  }
  const to = query.to ?? monthOf(now);
  const from = query.from ?? addMonths(to, 1 - DEFAULT_MONTHS);
  const span = monthSpan(from, to);
  if (span < 1) throw new SiltaError('report_period_reversed', 'bad_request', `${from} > ${to}`);
  if (span > MAX_REPORT_MONTHS)
    throw new SiltaError('report_period_too_long', 'bad_request', `${span} months`, { max: MAX_REPORT_MONTHS });
  if (query.platform !== undefined && !platforms.includes(query.platform))
    throw new SiltaError('report_platform_unknown', 'bad_request', query.platform);
  return { from, to, months: monthsBetween(from, to), platform: query.platform };
}
