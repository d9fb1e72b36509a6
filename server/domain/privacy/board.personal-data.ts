import { Op, type Transaction } from 'sequelize';
import { BoardModerationLog, Practice, PracticeAdoption, PracticeComment, PracticeReaction } from '../../store/models';
import { json, plain, type PersonalDataSource } from './personal-data';

/** Decrements a practice counter by the removed rows of each practice. */
async function decrementCounts(
  column: 'commentCount' | 'usefulCount' | 'adoptionCount',
  practiceIds: number[],
  transaction: Transaction,
) {
  const counts = new Map<number, number>();
  for (const id of practiceIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, by] of counts) await Practice.decrement(column, { by, where: { id }, transaction });
}

/**
 * What the user did on the boards: practices shared, comments, "useful" marks, adoptions
 * recorded and moderation actions. Erasure keeps all of it under "deleted user"; with `remove`
 * it deletes the user's practices (with everything on them), comments (with their replies, as
 * the board's own delete does), marks and adoptions, and corrects the counters of other
 * practices. The moderation log is an audit record and stays in both cases.
 */
export const boardPersonalData: PersonalDataSource = {
  name: 'board',
  tables: ['practices', 'practice_comments', 'practice_reactions', 'practice_adoptions', 'board_moderation_log'],
  async export(userId, transaction) {
    const order: [string, string][] = [['id', 'ASC']];
    const practices = await Practice.findAll({ where: { authorId: userId }, order, transaction });
    return {
      practices: practices.map((p) => ({
        ...plain(p),
        actors: json(p.actors),
        themes: json(p.themes),
        links: json(p.links),
      })),
      comments: (await PracticeComment.findAll({ where: { authorId: userId }, order, transaction })).map((c) =>
        plain(c),
      ),
      usefulMarks: (await PracticeReaction.findAll({ where: { userId }, order, transaction })).map((r) => plain(r)),
      adoptions: (await PracticeAdoption.findAll({ where: { userId }, order, transaction })).map((a) => plain(a)),
      moderationActions: (await BoardModerationLog.findAll({ where: { moderatorId: userId }, order, transaction })).map(
        (m) => plain(m),
      ),
    };
  },
  async erase(userId, mode, transaction) {
    if (!mode.remove) return;
    const own = (await Practice.findAll({ attributes: ['id'], where: { authorId: userId }, transaction })).map(
      (p) => p.id,
    );
    // Children first, explicitly: SQLite enforces the cascading foreign keys only per connection.
    const onOwn = { practiceId: { [Op.in]: own } };
    await PracticeComment.destroy({ where: { ...onOwn, parentId: { [Op.ne]: null } }, transaction });
    await PracticeComment.destroy({ where: onOwn, transaction });
    await PracticeReaction.destroy({ where: onOwn, transaction });
    await PracticeAdoption.destroy({ where: onOwn, transaction });
    await Practice.destroy({ where: { id: { [Op.in]: own } }, transaction });

    const comments = await PracticeComment.findAll({
      attributes: ['id', 'practiceId', 'parentId'],
      where: { authorId: userId },
      transaction,
    });
    const replies = await PracticeComment.findAll({
      attributes: ['id', 'practiceId'],
      where: { parentId: { [Op.in]: comments.map((c) => c.id) }, authorId: { [Op.ne]: userId } },
      transaction,
    });
    const gone = [...comments, ...replies];
    await PracticeComment.destroy({ where: { id: { [Op.in]: replies.map((r) => r.id) } }, transaction });
    // Replies before the comments they answer.
    await PracticeComment.destroy({
      where: { id: { [Op.in]: comments.filter((c) => c.parentId !== null).map((c) => c.id) } },
      transaction,
    });
    await PracticeComment.destroy({ where: { id: { [Op.in]: comments.map((c) => c.id) } }, transaction });
    await decrementCounts(
      'commentCount',
      gone.map((c) => c.practiceId),
      transaction,
    );

    const reactions = await PracticeReaction.findAll({
      attributes: ['id', 'practiceId'],
      where: { userId },
      transaction,
    });
    await PracticeReaction.destroy({ where: { userId }, transaction });
    await decrementCounts(
      'usefulCount',
      reactions.map((r) => r.practiceId),
      transaction,
    );

    const adoptions = await PracticeAdoption.findAll({
      attributes: ['id', 'practiceId'],
      where: { userId },
      transaction,
    });
    await PracticeAdoption.destroy({ where: { userId }, transaction });
    await decrementCounts(
      'adoptionCount',
      adoptions.map((a) => a.practiceId),
      transaction,
    );
  },
};
