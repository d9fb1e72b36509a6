import { Op, type Transaction } from 'sequelize';
import { GradeOutbox } from '../../store/models';

export type ScoreToSend = {
  issuer: string;
  clientId: string;
  resourceLinkId: number;
  userId: number;
  attemptId: number | null;
  lineItemUrl: string | null;
  lineitemsUrl: string | null;
  scoreGiven: number;
  scoreMaximum: number;
};

/**
 * Puts a finished module's score in the grade outbox, in the caller's transaction (the same one
 * that stores the progress that earned it). Always `Completed` + `FullyGraded`: Moodle empties
 * the grade it holds for any other gradingProgress. An older score for the same user and link
 * that was not sent yet is superseded, so only the newest one goes out.
 */
export async function enqueueScore(transaction: Transaction, score: ScoreToSend): Promise<GradeOutbox> {
  await GradeOutbox.update(
    { status: 'superseded' },
    { where: { resourceLinkId: score.resourceLinkId, userId: score.userId, status: { [Op.in]: ['pending', 'failed'] } }, transaction },
  );
  return GradeOutbox.create(
    {
      ...score,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: new Date().toISOString(),
      status: 'pending',
      nextAttemptAt: new Date(),
      lastError: null,
      sentAt: null,
    },
    { transaction },
  );
}
