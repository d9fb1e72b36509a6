import { Op, type Sequelize, type WhereOptions } from 'sequelize';
import { Practice, PracticeAdoption, PracticeComment } from '../../store/models';
import { SHARED_PRACTICE, sharedPracticeSql } from '../board/shared-practice';
import { monthOf, periodBounds, type MonthKey, type ReportPeriod } from './report-period';

export type MonthActivity = { practices: number; comments: number; adoptions: number };
/** Adoptions of practices of one region (origin) by another (adopter). */
export type AdoptionFlow = { origin: string; adopter: string; adoptions: number };
export type BoardActivity = { byMonth: Map<MonthKey, MonthActivity>; flows: AdoptionFlow[] };

/**
 * Board activity across every board (of one platform when the period names one): practices
 * shared, comments and adoptions per month, and adoptions per origin and adopting region. Only
 * shared practices count (published, not hidden: shared-practice.ts, the board's own definition),
 * and comments and adoptions only on them: a draft or what moderators hid is not activity the
 * network shares.
 */
export async function boardReport(sequelize: Sequelize, period: ReportPeriod): Promise<BoardActivity> {
  const { start, end } = periodBounds(period);
  const createdIn = { createdAt: { [Op.gte]: start, [Op.lt]: end } };
  const sharedPractices = `(SELECT id FROM practices WHERE ${sharedPracticeSql()}${period.platform ? ` AND issuer = ${sequelize.escape(period.platform)}` : ''})`;
  const onVisible = { practiceId: { [Op.in]: sequelize.literal(sharedPractices) } } as WhereOptions;
  const practices = await Practice.findAll({
    attributes: ['createdAt'],
    where: { [Op.and]: [createdIn, SHARED_PRACTICE, period.platform ? { issuer: period.platform } : {}] },
  });
  const comments = await PracticeComment.findAll({
    attributes: ['createdAt'],
    where: { ...createdIn, hiddenAt: null, ...onVisible },
  });
  const adoptions = await PracticeAdoption.findAll({
    attributes: ['createdAt', 'practiceId', 'regionCode'],
    where: { ...createdIn, ...onVisible },
  });

  const byMonth = new Map<MonthKey, MonthActivity>(
    period.months.map((m) => [m, { practices: 0, comments: 0, adoptions: 0 }]),
  );
  const count = (rows: { createdAt: Date }[], key: keyof MonthActivity) => {
    for (const row of rows) {
      const month = byMonth.get(monthOf(row.createdAt));
      if (month) month[key] += 1;
    }
  };
  count(practices, 'practices');
  count(comments, 'comments');
  const counted = adoptions.filter((a) => byMonth.has(monthOf(a.createdAt)));
  count(counted, 'adoptions');

  const origins = new Map(
    (
      await Practice.findAll({
        attributes: ['id', 'regionCode'],
        where: { id: { [Op.in]: [...new Set(counted.map((a) => a.practiceId))] } },
      })
    ).map((p) => [p.id, p.regionCode]),
  );
  const flows = new Map<string, AdoptionFlow>();
  for (const adoption of counted) {
    const origin = origins.get(adoption.practiceId)!;
    const key = `${origin} ${adoption.regionCode}`;
    const flow = flows.get(key) ?? { origin, adopter: adoption.regionCode, adoptions: 0 };
    flow.adoptions += 1;
    flows.set(key, flow);
  }
  return { byMonth, flows: [...flows.values()] };
}
