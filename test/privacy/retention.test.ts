import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { eraseInactiveUsers, monthsBefore } from '../../server/domain/privacy/retention';
import { noteActive } from '../../server/domain/privacy/user-activity';
import { User } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';

const DAY = 24 * 3600_000;

describe('retention of inactive users', () => {
  let t: TestSilta;
  let seq = 0;
  before(async () => {
    t = await testSilta();
  });

  /** A user of the development platform last active at `lastActive`. */
  async function userLastActive(lastActive: Date, sub = `retention-${Date.now()}-${++seq}`): Promise<User> {
    const user = await User.create({
      issuer: t.devPlatform.issuer,
      sub,
      name: `Henkilö ${seq}`,
      givenName: null,
      familyName: null,
      email: `henkilo${seq}@example.fi`,
    });
    await setLastActive(user.id, lastActive);
    return user;
  }
  const setLastActive = (id: number, at: Date) =>
    t.silta.sequelize.query('UPDATE users SET updated_at = :at WHERE id = :id', {
      replacements: { id, at },
      type: QueryTypes.UPDATE,
    });
  const lastActive = async (id: number) => (await User.findByPk(id, { rejectOnEmpty: true })).get('updated_at') as Date;

  it('erases users inactive for longer than RETENTION_MONTHS, and nobody else', async () => {
    const now = new Date();
    const stale = await userLastActive(new Date(monthsBefore(now, 12).getTime() - DAY));
    const recent = await userLastActive(new Date(monthsBefore(now, 12).getTime() + DAY));
    const erased = await eraseInactiveUsers({ sequelize: t.silta.sequelize, months: 12, now });
    assert.ok(erased.includes(stale.id));
    assert.ok(!erased.includes(recent.id));
    const staleNow = (await User.findByPk(stale.id))!;
    assert.deepEqual([staleNow.name, staleNow.email], [null, null]);
    assert.match(staleNow.sub, /^erased:/);
    assert.equal((await User.findByPk(recent.id))!.email, recent.email, 'an active user keeps their data');
    assert.deepEqual(
      await eraseInactiveUsers({ sequelize: t.silta.sequelize, months: 12, now }),
      [],
      'erased users are not erased again',
    );
  });

  it('does nothing with RETENTION_MONTHS=0', async () => {
    const ancient = await userLastActive(new Date('2001-01-01T00:00:00Z'));
    assert.deepEqual(await eraseInactiveUsers({ sequelize: t.silta.sequelize, months: 0 }), []);
    assert.equal((await User.findByPk(ancient.id))!.name, ancient.name);
  });

  it('a launch marks the user active, writing at most once a day', async () => {
    const user = await userLastActive(new Date('2024-01-01T00:00:00Z'));
    const tomorrow = new Date(Date.now() + DAY);
    await noteActive(user.id, undefined, tomorrow);
    assert.equal((await lastActive(user.id)).getTime(), tomorrow.getTime());
    await setLastActive(user.id, new Date('2024-01-01T00:00:00Z'));
    await noteActive(user.id, undefined, new Date(tomorrow.getTime() + 1000));
    assert.equal(
      (await lastActive(user.id)).toISOString(),
      '2024-01-01T00:00:00.000Z',
      'the second launch that day writes nothing',
    );
  });
});
