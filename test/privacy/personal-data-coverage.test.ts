import assert from 'node:assert/strict';
import { PERSONAL_DATA_SOURCES } from '../../server/domain/privacy/personal-data-sources';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

/** Columns that point at an LTI user (a Silta `users` row). */
const PERSON_COLUMN = /^(user_id|author_id|moderator_id|voter_id|actor_id|created_by|[a-z]+_user_id)$/;

describe('personal data sources cover every table', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('every table that refers to a user is exported and erased by a registered source', async () => {
    const qi = t.silta.sequelize.getQueryInterface();
    const tables = ((await qi.showAllTables()) as unknown[]).map((x) =>
      typeof x === 'string' ? x : (x as { tableName: string }).tableName,
    );
    const claimed = new Set(PERSONAL_DATA_SOURCES.flatMap((s) => s.tables));
    const personal: string[] = [];
    for (const table of tables) {
      const columns = Object.keys(await qi.describeTable(table));
      if (columns.some((c) => PERSON_COLUMN.test(c))) personal.push(table);
    }
    assert.ok(personal.includes('memberships') && personal.includes('practices'), `found ${personal.join(', ')}`);
    const uncovered = personal.filter((table) => !claimed.has(table));
    assert.deepEqual(uncovered, [], `add a PersonalDataSource for: ${uncovered.join(', ')}`);
    assert.ok(claimed.has('users'));
    for (const table of claimed) assert.ok(tables.includes(table), `a source claims ${table}, which does not exist`);
  });

  it('sources have unique names (their keys in the export)', () => {
    const names = PERSONAL_DATA_SOURCES.map((s) => s.name);
    assert.deepEqual([...new Set(names)], names);
  });

  it("ltijs's own launch tables stay empty: Silta validates launches itself and keeps no id_token", async () => {
    await launchSession(t);
    for (const table of ['idtokens', 'contexttokens']) {
      const [rows] = await t.silta.sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`);
      assert.equal(Number((rows as { n: number | string }[])[0].n), 0, table);
    }
  });
});
