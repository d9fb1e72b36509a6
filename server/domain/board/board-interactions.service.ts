import { Op, QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import { Practice, PracticeAdoption, PracticeComment, PracticeReaction } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import type { Launch } from '../launches/launch.service';
import { regionOf } from '../regions/region.service';
import type { BoardEvents } from './board-events';
import { authorize } from './board.policy';
import { boardOf, getPractice } from './board.service';
import { DRAFT_STATUS } from './board.schema';
import { isShared, sharedPracticeSql } from './shared-practice';

/** The comments of a practice in posting order (replies are grouped under them by the presenter). */
export async function commentsOf(practiceId: number): Promise<PracticeComment[]> {
  return PracticeComment.findAll({ where: { practiceId }, order: [['id', 'ASC']], limit: 1000 });
}

/**
 * Adds a comment, or a reply to a top-level comment of the same practice (one level only: a
 * reply to a reply is refused).
 */
export async function addComment(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
  body: string;
  parentId?: number;
  events?: BoardEvents;
}): Promise<PracticeComment> {
  const practice = await getPractice(props.launch, props.practiceId);
  if (practice.hiddenAt) throw new SiltaError('practice_hidden', 'conflict');
  const added = await inTransaction(props.sequelize, async (transaction) => {
    if (props.parentId !== undefined) {
      const parent = await PracticeComment.findOne({
        where: { id: props.parentId, practiceId: practice.id },
        transaction,
      });
      if (!parent) throw new SiltaError('comment_not_found', 'not_found', String(props.parentId));
      if (parent.parentId !== null) throw new SiltaError('reply_too_deep', 'bad_request');
    }
    const comment = await PracticeComment.create(
      { practiceId: practice.id, parentId: props.parentId ?? null, authorId: props.launch.user.id, body: props.body },
      { transaction },
    );
    await Practice.increment('commentCount', { by: 1, where: { id: practice.id }, transaction });
    return comment;
  });
  props.events?.publish(boardOf(props.launch), { type: 'comment:created', practiceId: practice.id, comment: added });
  return added;
}

/** A comment of a practice on the launch's board. */
export async function getComment(
  launch: Launch,
  practiceId: number,
  commentId: number,
): Promise<{ practice: Practice; comment: PracticeComment }> {
  const practice = await getPractice(launch, practiceId);
  const comment = await PracticeComment.findOne({ where: { id: commentId, practiceId: practice.id } });
  if (!comment) throw new SiltaError('comment_not_found', 'not_found', String(commentId));
  return { practice, comment };
}

/** The author deletes their own comment (its replies go with it). */
export async function deleteComment(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
  commentId: number;
  events?: BoardEvents;
}): Promise<void> {
  const { practice, comment } = await getComment(props.launch, props.practiceId, props.commentId);
  authorize(props.launch, 'delete', comment);
  await inTransaction(props.sequelize, async (transaction) => {
    const removed = 1 + (await PracticeComment.count({ where: { parentId: comment.id }, transaction }));
    await comment.destroy({ transaction });
    await Practice.decrement('commentCount', { by: removed, where: { id: practice.id }, transaction });
  });
  props.events?.publish(boardOf(props.launch), {
    type: 'comment:deleted',
    practiceId: practice.id,
    commentId: comment.id,
  });
}

/** Marks the practice useful for this user, or takes the mark back; one per user. Returns the new state. */
export async function toggleUseful(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
}): Promise<boolean> {
  const practice = await getPractice(props.launch, props.practiceId);
  const userId = props.launch.user.id;
  try {
    return await inTransaction(props.sequelize, async (transaction) => {
      const existing = await PracticeReaction.findOne({ where: { practiceId: practice.id, userId }, transaction });
      if (existing) {
        await existing.destroy({ transaction });
        await Practice.decrement('usefulCount', { by: 1, where: { id: practice.id }, transaction });
        return false;
      }
      await PracticeReaction.create({ practiceId: practice.id, userId }, { transaction });
      await Practice.increment('usefulCount', { by: 1, where: { id: practice.id }, transaction });
      return true;
    });
  } catch (error) {
    // A double click raced another request that already added the mark.
    if (error instanceof UniqueConstraintError) return true;
    throw error;
  }
}

/** Whether the user has marked the practice useful. */
export async function isUseful(launch: Launch, practiceId: number): Promise<boolean> {
  return (await PracticeReaction.count({ where: { practiceId, userId: launch.user.id } })) > 0;
}

/** The adoptions of a practice, oldest first. */
export async function adoptionsOf(practiceId: number): Promise<PracticeAdoption[]> {
  return PracticeAdoption.findAll({ where: { practiceId }, order: [['id', 'ASC']] });
}

/**
 * Records that the user's region adopts the practice, with a short note; one adoption per region
 * and practice. The user must have a region (from the launch or their own choice).
 */
export async function adoptPractice(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
  note: string;
  events?: BoardEvents;
}): Promise<PracticeAdoption> {
  const practice = await getPractice(props.launch, props.practiceId);
  if (practice.hiddenAt) throw new SiltaError('practice_hidden', 'conflict');
  // Only a shared practice can travel: a draft is still its author's alone.
  if (practice.status === DRAFT_STATUS) throw new SiltaError('practice_draft', 'conflict');
  const { region } = await regionOf(props.launch);
  if (!region) throw new SiltaError('region_required', 'conflict');
  let adoption: PracticeAdoption;
  try {
    adoption = await inTransaction(props.sequelize, async (transaction) => {
      if (await PracticeAdoption.findOne({ where: { practiceId: practice.id, regionCode: region.code }, transaction }))
        throw new SiltaError('already_adopted', 'conflict');
      const adoption = await PracticeAdoption.create(
        { practiceId: practice.id, regionCode: region.code, userId: props.launch.user.id, note: props.note },
        { transaction },
      );
      await Practice.increment('adoptionCount', { by: 1, where: { id: practice.id }, transaction });
      return adoption;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new SiltaError('already_adopted', 'conflict');
    throw error;
  }
  props.events?.publish(boardOf(props.launch), { type: 'adoption:created', practiceId: practice.id, adoption });
  return adoption;
}

/** Shared practices (shared-practice.ts) of the launch's board that a region adopted, with the adoption, newest first. */
export async function adoptedByRegion(launch: Launch, regionCode: string) {
  const board = boardOf(launch);
  const sequelize = PracticeAdoption.sequelize!;
  const sharedHere = `(SELECT id FROM practices WHERE issuer = ${sequelize.escape(board.issuer)} AND board_key = ${sequelize.escape(board.key)} AND ${sharedPracticeSql()})`;
  const adoptions = await PracticeAdoption.findAll({
    where: { regionCode, practiceId: { [Op.in]: sequelize.literal(sharedHere) } },
    order: [['id', 'DESC']],
    limit: 500,
  });
  if (!adoptions.length) return [];
  const practices = await Practice.findAll({ where: { id: adoptions.map((a) => a.practiceId) } });
  const byId = new Map(practices.filter(isShared).map((p) => [p.id, p]));
  return adoptions
    .filter((a) => byId.has(a.practiceId))
    .map((a) => ({ adoption: a, practice: byId.get(a.practiceId)! }));
}

/** An adoption as a card shows it: which region adopted the practice. */
export type CardAdoption = Pick<PracticeAdoption, 'practiceId' | 'regionCode'>;

/** The adoptions of several practices (the cards of a page), oldest first. */
export async function adoptionsOfPractices(practiceIds: number[]): Promise<CardAdoption[]> {
  if (!practiceIds.length) return [];
  // Plain rows of what a card shows: every board page asks (no model instances, no PRAGMA on SQLite).
  const sql = `SELECT practice_id AS "practiceId", region_code AS "regionCode" FROM practice_adoptions WHERE practice_id IN (${practiceIds.map(() => '?').join(', ')}) ORDER BY id`;
  const rows = await PracticeAdoption.sequelize!.query<CardAdoption>(sql, {
    replacements: practiceIds,
    type: QueryTypes.SELECT,
  });
  return rows.map((row) => ({ practiceId: Number(row.practiceId), regionCode: row.regionCode }));
}
