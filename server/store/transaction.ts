import { Transaction, type Sequelize } from 'sequelize';
import { WRITER } from './db';

const queues = new WeakMap<Sequelize, Promise<unknown>>();

/** Runs `work` after every SQLite write of this process queued before it (one writer at a time). */
function queued<T>(sequelize: Sequelize, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(sequelize) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  queues.set(
    sequelize,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * Runs `work` in a transaction. On SQLite, Sequelize opens a separate connection per transaction
 * and SQLite allows one writer at a time, so concurrent transactions would fail with
 * SQLITE_BUSY; they are queued in the process instead (each one is short) and take the write
 * lock up front. PostgreSQL runs them side by side.
 */
export function inTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  if (sequelize.getDialect() !== 'sqlite') return sequelize.transaction(work);
  // IMMEDIATE takes the write lock at BEGIN: a deferred transaction that read first could not
  // upgrade its snapshot after another connection wrote, and would fail at once.
  return queued(sequelize, () => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, work));
}

/** The parts of a node-sqlite3 connection the pipelined writes use. */
export type SqliteWriter = {
  serialize(work: () => void): void;
  exec(sql: string, done: (error: Error | null) => void): void;
  all(sql: string, done: (error: Error | null, rows: Record<string, unknown>[]) => void): void;
};

/**
 * SQLite only: runs `work` on the writer connection every transaction of this process shares
 * (decision 0003), in the same queue as `inTransaction`, so no other transaction is open on it
 * meanwhile. `work` owns BEGIN and COMMIT or ROLLBACK (decision 0010).
 */
export function onSqliteWriter<T>(sequelize: Sequelize, work: (writer: SqliteWriter) => Promise<T>): Promise<T> {
  const manager = (
    sequelize as unknown as { connectionManager: { getConnection(options: { uuid: string }): Promise<SqliteWriter> } }
  ).connectionManager;
  return queued(sequelize, async () => work(await manager.getConnection({ uuid: WRITER })));
}

/** The part of a node-postgres client the pipelined writes use: a simple query may hold several statements. */
export type PostgresClient = {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
};

/**
 * PostgreSQL only: runs `work` on a pooled connection of its own, outside Sequelize's
 * transactions, so that `work` can send BEGIN, statements and COMMIT in few round trips (decision
 * 0020). `work` owns BEGIN and COMMIT or ROLLBACK; a connection whose ROLLBACK failed is closed
 * rather than handed back in an unknown state.
 */
export async function onPostgresConnection<T>(
  sequelize: Sequelize,
  work: (client: PostgresClient) => Promise<T>,
): Promise<T> {
  type Manager = {
    getConnection(options: { type: string }): Promise<PostgresClient>;
    releaseConnection(c: PostgresClient): void;
    destroyConnection(c: PostgresClient): Promise<void>;
  };
  const manager = (sequelize as unknown as { connectionManager: Manager }).connectionManager;
  const client = await manager.getConnection({ type: 'write' });
  let healthy = true;
  try {
    return await work({
      query: async (sql) => {
        try {
          return await client.query(sql);
        } catch (error) {
          if (/^\s*ROLLBACK/.test(sql)) healthy = false;
          throw error;
        }
      },
    });
  } finally {
    if (healthy) manager.releaseConnection(client);
    else await manager.destroyConnection(client).catch(() => undefined);
  }
}
