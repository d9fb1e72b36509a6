import { QueryTypes, type Transaction } from 'sequelize';
import { User } from '../../store/models';
import { inTransaction } from '../../store/transaction';

/** Users this process marked active, with the day (UTC): one write per user and day at most. */
const markedOn = new Map<number, string>();
const MARKED_MAX = 50_000;

const startOfDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Notes that a user launched Silta: the user row's `updated_at` is moved to now, at most once a
 * day, so it tells when the user was last active (launch sessions are purged once they expire,
 * and a repeat launch with nothing changed writes no other user row). Retention reads it.
 */
export async function noteActive(userId: number, transaction?: Transaction, now: Date = new Date()): Promise<void> {
  const day = startOfDay(now);
  const key = day.toISOString();
  if (markedOn.get(userId) === key) return;
  // Plain SQL: Sequelize would write its own clock into updated_at, not `now`.
  const sequelize = User.sequelize!;
  const touch = (t: Transaction) =>
    sequelize.query('UPDATE users SET updated_at = :now WHERE id = :userId AND updated_at < :day', {
      replacements: { now, userId, day },
      type: QueryTypes.UPDATE,
      transaction: t,
    });
  if (transaction) await touch(transaction);
  else await inTransaction(sequelize, touch);
  if (markedOn.size >= MARKED_MAX) markedOn.clear();
  markedOn.set(userId, key);
}
