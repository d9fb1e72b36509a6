import { Op, type Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import { BoardModerationLog, Practice, PracticeComment } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import type { Launch } from '../launches/launch.service';
import type { BoardEvent, BoardEvents } from './board-events';
import { authorize } from './board.policy';
import { boardOf, getPractice } from './board.service';

export type ModerationTarget =
  { type: 'practice'; practiceId: number } | { type: 'comment'; practiceId: number; commentId: number };

/**
 * Hides or restores a practice or a comment, with a reason. Only moderators; the change and its
 * log row are one transaction. Hiding what is already hidden (or restoring what is visible)
 * changes nothing and logs nothing. Returns whether anything changed; a change is told to
 * `events` so hidden content disappears from open pages (and restored content comes back).
 */
export async function moderate(props: {
  sequelize: Sequelize;
  launch: Launch;
  target: ModerationTarget;
  action: 'hide' | 'restore';
  reason: string;
  events?: BoardEvents;
}): Promise<boolean> {
  const { launch, target, action, reason } = props;
  authorize(launch, 'moderate');
  const board = boardOf(launch);
  const practice = await getPractice(launch, target.practiceId);
  const changed = await inTransaction(props.sequelize, async (transaction) => {
    let row: Practice | PracticeComment = practice;
    if (target.type === 'comment') {
      const comment = await PracticeComment.findOne({
        where: { id: target.commentId, practiceId: practice.id },
        transaction,
      });
      if (!comment) throw new SiltaError('comment_not_found', 'not_found', String(target.commentId));
      row = comment;
    } else {
      await practice.reload({ transaction });
    }
    const hidden = row.hiddenAt !== null && row.hiddenAt !== undefined;
    if (hidden === (action === 'hide')) return false;
    row.hiddenAt = action === 'hide' ? new Date() : null;
    row.hiddenReason = action === 'hide' ? reason : null;
    await row.save({ transaction });
    await BoardModerationLog.create(
      {
        issuer: board.issuer,
        boardKey: board.key,
        moderatorId: launch.user.id,
        action,
        targetType: target.type,
        targetId: target.type === 'comment' ? target.commentId : target.practiceId,
        reason,
      },
      { transaction },
    );
    return row;
  });
  if (changed) props.events?.publish(board, moderationEvent(target, action, changed));
  return changed !== false;
}

/** The live event of a committed hide or restore. */
function moderationEvent(
  target: ModerationTarget,
  action: 'hide' | 'restore',
  row: Practice | PracticeComment,
): BoardEvent {
  if (target.type === 'practice')
    return action === 'hide'
      ? { type: 'practice:hidden', practiceId: target.practiceId }
      : { type: 'practice:restored', practice: row as Practice };
  return action === 'hide'
    ? { type: 'comment:hidden', practiceId: target.practiceId, commentId: target.commentId }
    : { type: 'comment:restored', practiceId: target.practiceId, comment: row as PracticeComment };
}

export const LOG_PAGE_SIZE = 25;

/** A page of the moderation actions on the launch's board, newest first, for moderators. */
export async function moderationLog(
  launch: Launch,
  page = 1,
): Promise<{ rows: BoardModerationLog[]; total: number; page: number; pages: number }> {
  authorize(launch, 'moderate');
  const board = boardOf(launch);
  const { rows, count } = await BoardModerationLog.findAndCountAll({
    where: { issuer: board.issuer, boardKey: board.key },
    order: [['id', 'DESC']],
    limit: LOG_PAGE_SIZE,
    offset: (page - 1) * LOG_PAGE_SIZE,
  });
  return { rows, total: count, page, pages: Math.max(1, Math.ceil(count / LOG_PAGE_SIZE)) };
}

/**
 * What the log's rows point at, as far as it still exists on the board: practices by id (with
 * their title) and comments by id (with their practice). A deleted post has no link.
 */
export async function moderationTargets(
  launch: Launch,
  rows: BoardModerationLog[],
): Promise<{ practices: Map<number, Practice>; comments: Map<number, PracticeComment> }> {
  const board = boardOf(launch);
  const commentIds = rows.filter((r) => r.targetType === 'comment').map((r) => r.targetId);
  const comments = commentIds.length ? await PracticeComment.findAll({ where: { id: { [Op.in]: commentIds } } }) : [];
  const practiceIds = [
    ...new Set([
      ...rows.filter((r) => r.targetType === 'practice').map((r) => r.targetId),
      ...comments.map((c) => c.practiceId),
    ]),
  ];
  const practices = practiceIds.length
    ? await Practice.findAll({ where: { id: { [Op.in]: practiceIds }, issuer: board.issuer, boardKey: board.key } })
    : [];
  const byId = new Map(practices.map((p) => [p.id, p]));
  return { practices: byId, comments: new Map(comments.filter((c) => byId.has(c.practiceId)).map((c) => [c.id, c])) };
}
