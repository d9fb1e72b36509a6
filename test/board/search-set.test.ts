import assert from 'node:assert/strict';
import { testSilta } from '../helpers/test-app';
import { CASES, plantSearchSet, RANKING, type PlantedSet } from './search-set';

// The same expectations on SQLite and PostgreSQL: run once plainly and once with DATABASE_URL.
describe('the board search test set (the same on both databases)', () => {
  /** The practices of the set a query finds, as keys, in the listing's order. */
  let search: PlantedSet['search'];

  before(async () => {
    ({ search } = await plantSearchSet(await testSilta(), 'search-set'));
  });

  it('has 40 or more query → practices pairs in Finnish, Swedish and English', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} pairs`);
  });

  for (const c of CASES) {
    it(`"${c.q}" finds ${c.expected.join(', ') || 'nothing'} (${c.why})`, async () => {
      assert.deepEqual((await search(c.q)).sort(), [...c.expected].sort());
    });
  }

  for (const r of RANKING) {
    it(`"${r.q}" ranks ${r.order.join(' > ')} (title > summary > body)`, async () => {
      assert.deepEqual(await search(r.q), r.order);
    });
  }

  it('finds the same practices for "työkyvyn tuki" as for "työkyky"', async () => {
    assert.deepEqual((await search('työkyvyn tuki')).sort(), (await search('työkyky')).sort());
  });
});
