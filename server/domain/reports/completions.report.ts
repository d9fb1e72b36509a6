import { QueryTypes, type Sequelize } from 'sequelize';
import { toDate } from '../../store/raw-date';
import { monthOf, type MonthKey, type ReportPeriod } from './report-period';
import { regionsOfUsers } from './report-regions';

/** Module completions in a period: by the completer's region and by month and module. */
export type Completions = {
  modules: string[];
  /** Region code, or null for users without a region. */
  byRegion: Map<string | null, number>;
  byMonth: Map<MonthKey, Map<string, number>>;
  total: number;
};

/**
 * Counts people who completed a module, in the month of their first completion of it: a retry
 * that improves a grade is not a second completion. Limited to one platform's users when the
 * period names one.
 */
export async function completionsReport(sequelize: Sequelize, period: ReportPeriod): Promise<Completions> {
  const rows = await sequelize.query<{ userId: number | string; moduleSlug: string; firstAt: unknown }>(
    `SELECT a.user_id AS "userId", a.module_slug AS "moduleSlug", MIN(a.completed_at) AS "firstAt"
       FROM module_attempts a JOIN users u ON u.id = a.user_id
      WHERE a.status = 'completed' AND a.completed_at IS NOT NULL${period.platform ? ' AND u.issuer = :issuer' : ''}
      GROUP BY a.user_id, a.module_slug`,
    { replacements: { issuer: period.platform ?? null }, type: QueryTypes.SELECT },
  );
  const inPeriod = new Set(period.months);
  const completions = rows.flatMap((row) => {
    const at = toDate(row.firstAt);
    const month = at ? monthOf(at) : undefined;
    return month && inPeriod.has(month) ? [{ userId: Number(row.userId), module: row.moduleSlug, month }] : [];
  });
  const regions = await regionsOfUsers(completions.map((c) => c.userId));
  const byRegion = new Map<string | null, number>();
  const byMonth = new Map<MonthKey, Map<string, number>>(period.months.map((m) => [m, new Map()]));
  for (const c of completions) {
    const region = regions.get(c.userId) ?? null;
    byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
    const month = byMonth.get(c.month)!;
    month.set(c.module, (month.get(c.module) ?? 0) + 1);
  }
  return {
    modules: [...new Set(completions.map((c) => c.module))].sort(),
    byRegion,
    byMonth,
    total: completions.length,
  };
}
