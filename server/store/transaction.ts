import { Transaction, type Sequelize } from 'sequelize';

const queues = new WeakMap<Sequelize, Promise<unknown>>();

/**
 * Runs `work` in a transaction. On SQLite, Sequelize opens a separate connection per transaction
 * and SQLite allows one writer at a time, so concurrent transactions would fail with
 * SQLITE_BUSY; they are queued in the process instead (each one is short) and take the write
 * lock up front. PostgreSQL runs them side by side.
 */
export function inTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  if (sequelize.getDialect() !== 'sqlite') return sequelize.transaction(work);
  const previous = queues.get(sequelize) ?? Promise.resolve();
  // IMMEDIATE takes the write lock at BEGIN: a deferred transaction that read first could not
  // upgrade its snapshot after another connection wrote, and would fail at once.
  const run = previous.catch(() => undefined).then(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, work));
  queues.set(sequelize, run.catch(() => undefined));
  return run;
}
