import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { openDatabase, POSTGRES_WARM_CONNECTIONS } from '../../server/store/db';

type PoolView = { size: number; minSize: number; _factory: { idleTimeoutMillis: number } };
const poolOf = (sequelize: Sequelize) =>
  (sequelize as unknown as { connectionManager: { pool: PoolView } }).connectionManager.pool;

describe('PostgreSQL connection pool', () => {
  let sequelize: Sequelize | undefined;
  before(function () {
    if (!process.env.DATABASE_URL?.startsWith('postgres')) this.skip();
  });
  after(async () => {
    await sequelize?.close();
  });

  it('keeps connections open while idle, so the first request after a quiet minute finds a warm one', async () => {
    sequelize = await openDatabase(process.env.DATABASE_URL!);
    // A burst of requests opens several connections.
    await Promise.all(Array.from({ length: 4 }, () => sequelize!.query('SELECT pg_sleep(0.05)')));
    const pool = poolOf(sequelize);
    assert.ok(pool.size >= 4, `${pool.size} connections open`);
    // An idle connection is closed only after minutes, and never below the warm minimum.
    assert.ok(POSTGRES_WARM_CONNECTIONS >= 1);
    assert.equal(pool.minSize, POSTGRES_WARM_CONNECTIONS);
    assert.ok(
      pool._factory.idleTimeoutMillis >= 60_000,
      `idle connections close after ${pool._factory.idleTimeoutMillis} ms`,
    );
  });
});
