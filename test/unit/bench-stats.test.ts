import assert from 'node:assert/strict';
import { appendAll, maxOf } from '../../bench/stats';

describe('benchmark figures', () => {
  it('pools 1,000 clients x 200 notes of latencies without overflowing the stack', () => {
    const total = [1];
    const round = Array.from({ length: 200_000 }, (_, i) => i);
    appendAll(total, round);
    assert.equal(total.length, 200_001);
    assert.equal(maxOf(total), 199_999);
    assert.ok(Number.isNaN(maxOf([])));
  });
});
