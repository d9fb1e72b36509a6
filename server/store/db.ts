import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, type Options } from 'sequelize';

export type Dialect = 'sqlite' | 'postgres';

export type DatabaseTarget = {
  dialect: Dialect;
  /** SQLite file path (only for sqlite). */
  storage?: string;
  database?: string;
  username?: string;
  password?: string;
  host?: string;
  port?: number;
};

/** Turns `DATABASE_URL` (sqlite:<file> or postgres://...) into connection settings. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = new URL(databaseUrl);
  if (url.protocol === 'sqlite:') {
    const storage = decodeURIComponent(databaseUrl.slice('sqlite:'.length).replace(/^\/\//, ''));
    return { dialect: 'sqlite', storage: storage === ':memory:' ? storage : path.resolve(storage) };
  }
  return {
    dialect: 'postgres',
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    username: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password) || undefined,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
  };
}

/** PostgreSQL connections the pool keeps open when idle. */
export const POSTGRES_WARM_CONNECTIONS = 2;

/** Sequelize options for a target; shared by Silta's store and ltijs-sequelize. */
export function sequelizeOptions(target: DatabaseTarget): Options {
  if (target.dialect === 'sqlite') {
    return { dialect: 'sqlite', storage: target.storage, logging: false, retry: { max: 5 }, pool: { max: 1, min: 0 } };
  }
  // Two connections stay open however long the instance is idle: a new connection pays its
  // catalog loading and planning on its first queries (a board search took 49.7 ms on a new
  // connection against 7.5 ms on a warm one). Others close after 10 idle minutes.
  return {
    dialect: 'postgres',
    host: target.host,
    port: target.port,
    logging: false,
    pool: { max: 10, min: POSTGRES_WARM_CONNECTIONS, idle: 10 * 60_000 },
  };
}

/** Opens Silta's database; creates the SQLite file's folder and switches SQLite to WAL. */
export async function openDatabase(databaseUrl: string): Promise<Sequelize> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite' && target.storage && target.storage !== ':memory:') {
    fs.mkdirSync(path.dirname(target.storage), { recursive: true });
  }
  const sequelize = new Sequelize(
    target.database ?? '',
    target.username ?? '',
    target.password ?? '',
    sequelizeOptions(target),
  );
  await sequelize.authenticate();
  if (target.dialect === 'sqlite') {
    tuneSqliteConnections(sequelize);
    // WAL lets readers run beside the single writer; NORMAL keeps commits durable across a process crash.
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA synchronous = NORMAL');
    await sequelize.query('PRAGMA busy_timeout = 5000');
    await sequelize.query('PRAGMA foreign_keys = ON');
  }
  return sequelize;
}

type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void; run(sql: string): void; tuned?: boolean };
type SqliteConnectionManager = {
  getConnection(options?: { uuid?: string; type?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): unknown;
  destroyConnection(connection: SqliteConnection): Promise<unknown>;
};

/** How much of a SQLite file each connection maps into memory (file-backed: the OS reclaims it under pressure). */
export const SQLITE_MMAP_BYTES = 1024 * 1024 * 1024;

/**
 * Connections that plain queries (outside transactions) share, each taking the next statement
 * when it has the fewest in flight. SQLite runs one statement at a time per connection, so with
 * one, a search's few milliseconds in the engine held up every other request's statements while
 * the second core idled (decision 0040). Readers see every committed write (WAL).
 */
export const SQLITE_READERS = 2;

/** The key of the one connection every transaction of this process uses. */
export const WRITER = 'silta-writer';

/**
 * Sequelize opens (and afterwards closes) a new SQLite connection for every transaction. Since
 * `inTransaction()` runs one transaction at a time per process, they all share one writer
 * connection instead, kept open: opening a connection costs more than a short transaction. Every
 * connection gets the main one's settings (wait for a writer of another process instead of
 * failing at once, NORMAL sync in WAL mode). Plain queries share SQLITE_READERS connections of their own.
 */
function tuneSqliteConnections(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: SqliteConnectionManager }).connectionManager;
  const open = manager.getConnection.bind(manager);
  const release = manager.releaseConnection.bind(manager);
  const destroy = manager.destroyConnection.bind(manager);
  let writer: Promise<SqliteConnection> | undefined;
  let writerConnection: SqliteConnection | undefined;
  const tuned = async (options?: { uuid?: string }) => {
    const connection = await open(options);
    if (!connection.tuned) {
      connection.configure('busyTimeout', 5000);
      connection.run('PRAGMA synchronous = NORMAL');
      // SQLite's own page cache is 2 MB per connection: a board of 10,000 practices (40 MB) was
      // read again through a system call per page on every search. Mapped, the file's pages are
      // read in place from the operating system's cache, shared by every connection and process
      // (decision 0040).
      connection.run(`PRAGMA mmap_size = ${SQLITE_MMAP_BYTES}`);
      connection.tuned = true;
    }
    return connection;
  };
  const forgetWriter = () => {
    writer = undefined;
    writerConnection = undefined;
  };
  // A statement typed SELECT takes the reader with the fewest statements in flight; any other
  // plain statement the first, so that most writes outside transactions queue on one connection
  // instead of waiting for each other's locks. (Writes that read back a RETURNING row are typed
  // SELECT too and may take either: measured, the waits they add are few, decision 0040.)
  const readers = Array.from({ length: SQLITE_READERS }, (_, i) => ({
    uuid: i ? `silta-reader-${i + 1}` : 'default',
    inFlight: 0,
    connection: undefined as SqliteConnection | undefined,
  }));
  const readerOf = (connection: SqliteConnection) => readers.find((r) => r.connection === connection);
  manager.getConnection = (options) => {
    if (!options?.uuid || options.uuid === 'default') {
      const reader =
        options?.type === 'SELECT'
          ? readers.reduce((least, r) => (r.inFlight < least.inFlight ? r : least))
          : readers[0];
      reader.inFlight++;
      return tuned({ ...options, uuid: reader.uuid }).then(
        (connection) => (reader.connection = connection),
        (error: unknown) => {
          reader.inFlight--;
          throw error;
        },
      );
    }
    writer ??= tuned({ uuid: WRITER }).then(
      (connection) => (writerConnection = connection),
      (error: unknown) => {
        forgetWriter();
        throw error;
      },
    );
    return writer;
  };
  /** Closes the writer (a transaction left it in an unknown state); the next transaction opens a new one. */
  const closeWriter = (connection: SqliteConnection) => {
    forgetWriter();
    (connection as SqliteConnection & { uuid?: string }).uuid = WRITER;
    return release(connection, true);
  };
  // The writer stays open after a transaction ends.
  manager.releaseConnection = (connection, force) => {
    const reader = readerOf(connection);
    if (reader) reader.inFlight = Math.max(0, reader.inFlight - 1);
    return connection !== writerConnection ? release(connection, force) : force ? closeWriter(connection) : undefined;
  };
  manager.destroyConnection = async (connection) =>
    connection !== writerConnection ? destroy(connection) : closeWriter(connection);
}
