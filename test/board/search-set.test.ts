import assert from 'node:assert/strict';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, openBoard, placeBoard } from './board-fixtures';
import { CASES, PRACTICES, RANKING, type Key } from './search-set';

// The same expectations on SQLite and PostgreSQL: run once plainly and once with DATABASE_URL.
describe('the board search test set (the same on both databases)', () => {
  let t: TestSilta;
  let lt: string;
  const ids = new Map<Key, number>();
  const keyOf = new Map<number, Key>();
  /** The practices of the set a query finds, as keys, in the listing's order. */
  const search = async (q: string): Promise<Key[]> => {
    const html = (
      await t
        .request()
        .get(`/board?lt=${lt}&q=${encodeURIComponent(q)}`)
        .expect(200)
    ).text;
    return [...html.matchAll(/href="\/board\/practices\/(\d+)\?lt=/g)].flatMap((m) => keyOf.get(Number(m[1])) ?? []);
  };

  before(async () => {
    t = await testSilta();
    lt = await openBoard(t, placeBoard(t, { region: 'kainuu', board: 'search-set' }), 'developer');
    for (const [key, p] of Object.entries(PRACTICES) as [Key, (typeof PRACTICES)[Key]][]) {
      const id = await createPractice(t, lt, {
        ...p,
        results: 'results' in p ? p.results : '',
        status: 'pilot',
        region: 'kainuu',
      });
      ids.set(key, id);
      keyOf.set(id, key);
    }
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
