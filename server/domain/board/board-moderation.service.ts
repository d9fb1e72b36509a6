import type { Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import { BoardModerationLog, Practice, PracticeComment } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import type { Launch } from '../launches/launch.service';
import type { BoardEvent, BoardEvents } from './board-events';
import { authorize } from './board.policy';
import { boardOf, getPractice } from './board.service';

export type ModerationTarget = { type: 'practice'; practiceId: number } | { type: 'comment'; practiceId: number; commentId: number };

/**
 * Hides or restores a practice or a comment, with a reason. Only moderators; the change and its
 * log row are one transaction. Hiding what is already hidden (or restoring what is visible)
 * changes nothing and logs nothing. Returns whether anything changed; a change is told to
 * `events` so hidden content disappears from open pages (and restored content comes back).
 */
export async function moderate(props: { sequelize: Sequelize; launch: Launch; target: ModerationTarget; action: 'hide' | 'restore'; reason: string; events?: BoardEvents }): Promise<boolean> {
  const { launch, target, action, reason } = props;
  authorize(launch, 'moderate');
  const board = boardOf(launch);
  const practice = await getPractice(launch, target.practiceId);
  const changed = await inTransaction(props.sequelize, async (transaction) => {
    let row: Practice | PracticeComment = practice;
    if (target.type === 'comment') {
      const comment = await PracticeComment.findOne({ where: { id: target.commentId, practiceId: practice.id }, transaction });
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
      { issuer: board.issuer, boardKey: board.key, moderatorId: launch.user.id, action, targetType: target.type, targetId: target.type === 'comment' ? target.commentId : target.practiceId, reason },
      { transaction },
    );
    return row;
  });
  if (changed) props.events?.publish(board, moderationEvent(target, action, changed));
  return changed !== false;
}

/** The live event of a committed hide or restore. */
function moderationEvent(target: ModerationTarget, action: 'hide' | 'restore', row: Practice | PracticeComment): BoardEvent {
  if (target.type === 'practice') return action === 'hide' ? { type: 'practice:hidden', practiceId: target.practiceId } : { type: 'practice:restored', practice: row as Practice };
  return action === 'hide' ? { type: 'comment:hidden', practiceId: target.practiceId, commentId: target.commentId } : { type: 'comment:restored', practiceId: target.practiceId, comment: row as PracticeComment };
}

/** The latest moderation actions on the launch's board, for moderators. */
export async function moderationLog(launch: Launch, limit = 50): Promise<BoardModerationLog[]> {
  authorize(launch, 'moderate');
  const board = boardOf(launch);
  return BoardModerationLog.findAll({ where: { issuer: board.issuer, boardKey: board.key }, order: [['id', 'DESC']], limit });
}
