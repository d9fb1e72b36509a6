import { QueryTypes, type Sequelize } from 'sequelize';
import * as launchRecords from './migrations/0001-launch-records';
import * as modulesAndGrades from './migrations/0002-modules-and-grades';
import * as gradeOutboxLease from './migrations/0003-grade-outbox-lease';
import * as regionsAndBoard from './migrations/0004-regions-and-board';
import * as boardSearch from './migrations/0005-board-search';
import * as liveSessions from './migrations/0006-live-sessions';
import * as adminConsole from './migrations/0007-admin-console';
import * as signedLoginState from './migrations/0010-signed-login-state';
import * as assessmentBehaviours from './migrations/0011-assessment-behaviours';
import * as lemmaSearch from './migrations/0015-a-lemma-search';
import * as reindexPractices from './migrations/0015-b-reindex-practices';
import * as gradePlatformHealth from './migrations/0017-grade-platform-health';
import * as moduleVersions from './migrations/0018-module-versions';
import * as listingIndexes from './migrations/0021-listing-indexes';
import * as regionListingIndex from './migrations/0025-region-listing-index';
import * as searchLexemes from './migrations/0039-search-lexemes';
import * as practiceSearch from './migrations/0041-practice-search';
import * as tagListingIndexes from './migrations/0044-tag-listing-indexes';

/** Migrations in order; listed here so they run the same from sources and from `dist/`. */
const migrations = [
  { name: '0001-launch-records', ...launchRecords },
  { name: '0002-modules-and-grades', ...modulesAndGrades },
  { name: '0003-grade-outbox-lease', ...gradeOutboxLease },
  { name: '0004-regions-and-board', ...regionsAndBoard },
  { name: '0005-board-search', ...boardSearch },
  { name: '0006-live-sessions', ...liveSessions },
  { name: '0007-admin-console', ...adminConsole },
  { name: '0010-signed-login-state', ...signedLoginState },
  { name: '0011-assessment-behaviours', ...assessmentBehaviours },
  { name: '0015-a-lemma-search', ...lemmaSearch },
  { name: '0015-b-reindex-practices', ...reindexPractices },
  { name: '0017-grade-platform-health', ...gradePlatformHealth },
  { name: '0018-module-versions', ...moduleVersions },
  { name: '0021-listing-indexes', ...listingIndexes },
  { name: '0025-region-listing-index', ...regionListingIndex },
  { name: '0039-search-lexemes', ...searchLexemes },
  { name: '0041-practice-search', ...practiceSearch },
  { name: '0044-tag-listing-indexes', ...tagListingIndexes },
];

/** Where umzug records the applied migrations (its SequelizeStorage, column `name`). */
const MIGRATIONS_TABLE = 'silta_migrations';

/** Brings the schema up to date. Runs at every start; already-applied migrations are skipped. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  // Most starts have nothing to apply: one read says so without loading umzug (~0.1-0.2 s of CPU).
  if ((await pendingMigrations(sequelize)) === 0) return [];
  const { Umzug, SequelizeStorage } = await import('umzug');
  const umzug = new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: MIGRATIONS_TABLE }),
    logger: undefined,
  });
  const applied = await umzug.up();
  return applied.map((m) => m.name);
}

/** How many listed migrations the database has not recorded (all of them on a new database). */
async function pendingMigrations(sequelize: Sequelize): Promise<number> {
  let rows: { name: string }[];
  try {
    rows = await sequelize.query(`SELECT name FROM ${MIGRATIONS_TABLE}`, { type: QueryTypes.SELECT });
  } catch {
    return migrations.length; // no table yet: umzug creates it
  }
  const applied = new Set(rows.map((row) => row.name));
  return migrations.filter((m) => !applied.has(m.name)).length;
}
