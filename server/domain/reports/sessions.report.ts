import { Op } from 'sequelize';
import { Context } from '../../store/models';
import { LiveSession, SessionNote, SessionParticipant, SessionVote } from '../../store/session-models';
import { monthOf, periodBounds, type MonthKey, type ReportPeriod } from './report-period';

export type MonthParticipation = { sessions: number; participants: number; notes: number; votes: number };

/**
 * Live sessions per month of their creation (of one platform when the period names one): how
 * many, how many different people took part, the notes they left (deleted ones not counted) and
 * the votes they cast.
 */
export async function sessionsReport(period: ReportPeriod): Promise<Map<MonthKey, MonthParticipation>> {
  const { start, end } = periodBounds(period);
  const contexts = period.platform
    ? (await Context.findAll({ attributes: ['id'], where: { issuer: period.platform } })).map((c) => c.id)
    : undefined;
  const sessions = (
    await LiveSession.findAll({
      attributes: ['id', 'createdAt'],
      where: {
        createdAt: { [Op.gte]: start, [Op.lt]: end },
        ...(contexts ? { contextId: { [Op.in]: contexts } } : {}),
      },
    })
  ).filter((s) => period.months.includes(monthOf(s.createdAt)));
  const monthOfSession = new Map(sessions.map((s) => [s.id, monthOf(s.createdAt)]));
  const ids = { sessionId: { [Op.in]: [...monthOfSession.keys()] } };
  const byMonth = new Map<MonthKey, MonthParticipation & { people: Set<number> }>(
    period.months.map((m) => [m, { sessions: 0, participants: 0, notes: 0, votes: 0, people: new Set() }]),
  );
  const of = (sessionId: number) => byMonth.get(monthOfSession.get(sessionId)!)!;
  for (const session of sessions) of(session.id).sessions += 1;
  for (const p of await SessionParticipant.findAll({ attributes: ['sessionId', 'userId'], where: ids }))
    of(p.sessionId).people.add(p.userId);
  for (const n of await SessionNote.findAll({ attributes: ['sessionId'], where: { ...ids, deletedAt: null } }))
    of(n.sessionId).notes += 1;
  for (const v of await SessionVote.findAll({ attributes: ['sessionId', 'count'], where: ids }))
    of(v.sessionId).votes += v.count;
  return new Map(
    [...byMonth].map(([month, { people, ...counts }]) => [month, { ...counts, participants: people.size }]),
  );
}
