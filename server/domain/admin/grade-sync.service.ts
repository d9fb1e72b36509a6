import { col, fn, Op } from 'sequelize';
import { SiltaError } from '../../errors';
import { GradeOutbox, ResourceLink, User, type OutboxStatus } from '../../store/models';
import { retryFailed } from '../grades/grade-outbox.service';

export type PlatformOutbox = {
  issuer: string;
  clientId: string;
  counts: Record<OutboxStatus, number>;
  oldestPendingAt: Date | null;
};

/** Outbox counts per platform (issuer and client id) and each one's oldest pending row. */
export async function outboxByPlatform(): Promise<PlatformOutbox[]> {
  const counts = (await GradeOutbox.findAll({
    attributes: ['issuer', 'clientId', 'status', [fn('COUNT', col('id')), 'count']],
    group: ['issuer', 'client_id', 'status'],
    raw: true,
  })) as unknown as {
    issuer: string;
    clientId: string;
    status: OutboxStatus;
    count: number | string;
  }[];
  const oldest = (await GradeOutbox.findAll({
    attributes: ['issuer', 'clientId', [fn('MIN', col('created_at')), 'oldest']],
    where: { status: 'pending' },
    group: ['issuer', 'client_id'],
    raw: true,
  })) as unknown as {
    issuer: string;
    clientId: string;
    oldest: string | Date;
  }[];
  const byKey = new Map<string, PlatformOutbox>();
  for (const row of counts) {
    const key = `${row.issuer}\n${row.clientId}`;
    const entry = byKey.get(key) ?? {
      issuer: row.issuer,
      clientId: row.clientId,
      counts: { pending: 0, sent: 0, failed: 0, superseded: 0, conflict: 0 },
      oldestPendingAt: null,
    };
    if (row.status in entry.counts) entry.counts[row.status] = Number(row.count);
    byKey.set(key, entry);
  }
  for (const row of oldest) {
    const entry = byKey.get(`${row.issuer}\n${row.clientId}`);
    if (entry) entry.oldestPendingAt = new Date(row.oldest);
  }
  return [...byKey.values()].sort((a, b) => a.issuer.localeCompare(b.issuer) || a.clientId.localeCompare(b.clientId));
}

export type FailedGrade = { row: GradeOutbox; userName: string | null; linkTitle: string | null };

/** The latest failed rows (with who and which activity) and how many there are in all. */
export async function failedGrades(limit = 50): Promise<{ rows: FailedGrade[]; count: number }> {
  const count = await GradeOutbox.count({ where: { status: 'failed' } });
  const rows = await GradeOutbox.findAll({
    where: { status: 'failed' },
    order: [
      ['updatedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit,
  });
  const users = await User.findAll({
    attributes: ['id', 'name'],
    where: { id: { [Op.in]: [...new Set(rows.map((r) => r.userId))] } },
  });
  const links = await ResourceLink.findAll({
    attributes: ['id', 'title'],
    where: { id: { [Op.in]: [...new Set(rows.map((r) => r.resourceLinkId))] } },
  });
  return {
    count,
    rows: rows.map((row) => ({
      row,
      userName: users.find((u) => u.id === row.userId)?.name ?? null,
      linkTitle: links.find((l) => l.id === row.resourceLinkId)?.title ?? null,
    })),
  };
}

/** "Send again" for one failed row; a row that is not failed (or does not exist) is `admin_outbox_row_not_found`. */
export async function retryOne(id: number): Promise<number> {
  const count = await retryFailed({ id });
  if (!count) throw new SiltaError('admin_outbox_row_not_found', 'not_found', String(id));
  return count;
}

/**
 * "Send all failed again" for a platform: its failed rows, link by link (a resource link belongs
 * to one platform), through the same retryFailed the teachers' view uses. Returns how many moved.
 */
export async function retryPlatform(platform: { issuer: string; clientId: string }): Promise<number> {
  const links = (await GradeOutbox.findAll({
    attributes: ['resourceLinkId'],
    where: { ...platform, status: 'failed' },
    group: ['resource_link_id'],
    raw: true,
  })) as unknown as { resourceLinkId: number }[];
  let count = 0;
  for (const { resourceLinkId } of links) count += await retryFailed({ resourceLinkId });
  return count;
}
