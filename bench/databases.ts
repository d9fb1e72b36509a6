/**
 * Which database a benchmark measures. SQLite (a fresh temporary file per tool) by default;
 * PostgreSQL with `--postgres`, or when `DATABASE_URL` is `postgres://…`: the benchmark then
 * connects to that server (the URL's database is only used to connect), creates a fresh database
 * per tool, named `<BENCH_PG_PREFIX, default silta_bench>_<pid>_<tool>`, and drops it at the end.
 * The database the operator named is never written to. With BENCH_KEEP_DATABASE=1 the databases
 * (and SQLite files) are kept (and named on stderr), to study a seeded board by hand (EXPLAIN ANALYZE); drop them after.
 */
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** The PostgreSQL server used with `--postgres` when DATABASE_URL names none. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database for one tool: its URL, what the report calls it, and how to get rid of it. */
export type BenchDatabase = { url: string; label: string; dialect: 'sqlite' | 'postgres'; drop(): Promise<void> };

/** The PostgreSQL server to create databases on, or undefined for SQLite. */
export function postgresServer(flag: boolean | undefined): string | undefined {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv?.startsWith('postgres')) return fromEnv;
  return flag ? DEFAULT_POSTGRES_URL : undefined;
}

const created = new Set<BenchDatabase>();

/** A fresh database for `tool`: a new PostgreSQL database on `server`, or a SQLite file in `tmp`. */
export async function benchDatabase(tool: string, tmp: string, server: string | undefined): Promise<BenchDatabase> {
  const keep = process.env.BENCH_KEEP_DATABASE === '1';
  if (!server) {
    // A kept file goes beside the run's folder, which is removed at exit.
    const file = keep
      ? path.join(os.tmpdir(), `silta-bench-${process.pid}-${tool.replace(/\W+/g, '_')}.sqlite`)
      : path.join(tmp, `${tool}.sqlite`);
    const drop = async () => void (keep && console.error(`kept ${file} (BENCH_KEEP_DATABASE=1): delete it when done`));
    return { url: `sqlite:${file}`, label: 'SQLite (a fresh file)', dialect: 'sqlite', drop };
  }
  const name =
    `${process.env.BENCH_PG_PREFIX ?? 'silta_bench'}_${process.pid}_${tool.replace(/\W+/g, '_')}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`BENCH_PG_PREFIX gives an unusable database name: ${name}`);
  const admin = new Client({ connectionString: server });
  await admin.connect();
  let version: string;
  try {
    version = String(
      (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version,
    ).split(' ')[0];
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const database: BenchDatabase = {
    url: url.toString(),
    label: `PostgreSQL ${version} at ${url.hostname}:${url.port || 5432} (a fresh database ${name})`,
    dialect: 'postgres',
    async drop() {
      created.delete(database);
      if (keep) {
        console.error(`kept ${name} (BENCH_KEEP_DATABASE=1): drop it when done`);
        return;
      }
      const client = new Client({ connectionString: server });
      await client.connect();
      // FORCE: a connection a killed child left behind must not keep the database.
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
    },
  };
  created.add(database);
  return database;
}

/** Drops every database this run created and has not dropped yet (at the end of a run, failed or not). */
export async function dropBenchDatabases(): Promise<void> {
  for (const database of [...created]) {
    try {
      await database.drop();
    } catch (error) {
      console.error(`could not drop ${database.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
