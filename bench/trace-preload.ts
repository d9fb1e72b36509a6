/**
 * Loaded with `--import` into a server child when the benchmark runs with --profile. It counts
 * every SQL statement (through the sqlite3 and pg drivers, so Silta's Sequelize and ltijs-sequelize
 * alike) and every wait for a pooled connection per HTTP route, and samples the CPU with the
 * in-process inspector. On SIGUSR2 it writes what it gathered since the previous SIGUSR2 to BENCH_TRACE_DIR (sql-N.json, cpu-N.cpuprofile,
 * then done-N) and starts over, so the benchmark can cut out exactly its timed phase.
 *
 * Statements are attributed to the request in flight; that is exact only when one request is in
 * flight at a time (the benchmark's sequential pass). Totals are exact at any concurrency.
 */
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import path from 'node:path';

type Tally = {
  requests: Record<string, number>;
  statements: Record<string, Record<string, { count: number; ms: number }>>;
};

const dir = process.env.BENCH_TRACE_DIR ?? '.';
let tally: Tally = { requests: {}, statements: {} };
let current: string | undefined;
let mark = 0;

/** SQL with its literal values replaced, so the same statement counts once. */
const normalise = (sql: string) =>
  sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .slice(0, 160);

function record(route: string, sql: string, started: bigint) {
  const byRoute = (tally.statements[route] ??= {});
  const entry = (byRoute[normalise(sql)] ??= { count: 0, ms: 0 });
  entry.count++;
  entry.ms += Number(process.hrtime.bigint() - started) / 1e6;
}

const requireFromRoot = createRequire(path.join(process.cwd(), 'package.json'));
const sqlite3 = requireFromRoot('sqlite3') as {
  Database: { prototype: Record<string, (...args: unknown[]) => unknown> };
};
for (const method of ['run', 'all', 'get', 'exec']) {
  const original = sqlite3.Database.prototype[method];
  sqlite3.Database.prototype[method] = function (this: unknown, sql: unknown, ...rest: unknown[]) {
    const route = current ?? '(outside a request)';
    const started = process.hrtime.bigint();
    const last = rest.length - 1;
    const callback = rest[last];
    if (typeof callback === 'function') {
      rest[last] = function (this: unknown, ...args: unknown[]) {
        record(route, String(sql), started);
        return callback.apply(this, args);
      };
    } else record(route, String(sql), started);
    return original.call(this, sql, ...rest);
  };
}

// PostgreSQL: pg's Client.query, the way Sequelize calls it (a callback, values or not).
const pg = requireFromRoot('pg') as { Client: { prototype: Record<string, (...args: unknown[]) => unknown> } };
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, sql: unknown, ...rest: unknown[]) {
  const route = current ?? '(outside a request)';
  const started = process.hrtime.bigint();
  const text = typeof sql === 'string' ? sql : String((sql as { text?: unknown } | null)?.text ?? sql);
  const last = rest.length - 1;
  const callback = rest[last];
  if (typeof callback === 'function') {
    rest[last] = function (this: unknown, ...args: unknown[]) {
      record(route, text, started);
      return callback.apply(this, args);
    };
    return pgQuery.call(this, sql, ...rest);
  }
  const result = pgQuery.call(this, sql, ...rest);
  if (result && typeof (result as Promise<unknown>).then === 'function')
    void (result as Promise<unknown>).then(
      () => record(route, text, started),
      () => record(route, text, started),
    );
  else record(route, text, started);
  return result;
};

// The wait for a pooled connection (PostgreSQL's pool of 10; SQLite's single connection), as a
// pseudo-statement, so a launch that queues for a connection shows it.
const connectionManager = requireFromRoot('sequelize/lib/dialects/abstract/connection-manager') as {
  prototype: Record<string, (...args: unknown[]) => Promise<unknown>>;
};
const getConnection = connectionManager.prototype.getConnection;
connectionManager.prototype.getConnection = function (this: unknown, ...args: unknown[]) {
  const route = current ?? '(outside a request)';
  const started = process.hrtime.bigint();
  return getConnection.apply(this, args).then((connection) => {
    record(route, '(wait for a pooled connection)', started);
    return connection;
  });
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
  if (event === 'request') {
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    current = route;
    tally.requests[route] = (tally.requests[route] ?? 0) + 1;
    res.once('finish', () => {
      if (current === route) current = undefined;
    });
  }
  return emit.call(this, event, ...args);
} as typeof emit;

const session = new inspector.Session();
session.connect();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
void post('Profiler.enable').then(() => post('Profiler.start'));

process.on('SIGUSR2', () => {
  const n = ++mark;
  const sql = tally;
  tally = { requests: {}, statements: {} };
  void (async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await post('Profiler.start');
    fs.writeFileSync(path.join(dir, `sql-${n}.json`), JSON.stringify(sql));
    fs.writeFileSync(path.join(dir, `cpu-${n}.cpuprofile`), JSON.stringify(profile));
    fs.writeFileSync(path.join(dir, `done-${n}`), '');
  })();
});
