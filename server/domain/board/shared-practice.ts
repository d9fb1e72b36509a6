import { Op, type WhereOptions } from 'sequelize';
import type { Practice } from '../../store/models';
import { DRAFT_STATUS } from './board.schema';

/**
 * The one definition of a **shared practice**: published (any status but `draft`) and not hidden
 * by a moderator. Every count of practices (the board's listing, region pages and tiles, the
 * spread view, the admin reports) counts these and only these, and an adoption, comment or
 * "useful" mark counts only when its practice is one. A draft is its author's alone; a hidden
 * practice is shown to moderators (and its author) but is not shared with the network.
 */
export const SHARED_PRACTICE: WhereOptions<Practice> = { status: { [Op.ne]: DRAFT_STATUS }, hiddenAt: null };

/** The same condition in SQL for a `practices` table under `alias` (raw queries and subqueries). */
export function sharedPracticeSql(alias = 'practices'): string {
  return `${alias}.hidden_at IS NULL AND ${alias}.status <> '${DRAFT_STATUS}'`;
}

/** Whether a loaded practice is shared. */
export function isShared(practice: Pick<Practice, 'status' | 'hiddenAt'>): boolean {
  return practice.status !== DRAFT_STATUS && !practice.hiddenAt;
}
