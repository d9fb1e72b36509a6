import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { productionNodeFlags } from '../../bench/children';

/** The Node options of the Dockerfile's CMD (a JSON array: node, its options, the script). */
function dockerNodeFlags(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync('Dockerfile', 'utf8'))?.[1];
  assert.ok(cmd, 'the Dockerfile has a CMD in JSON form');
  const [node, ...rest] = JSON.parse(cmd) as string[];
  assert.equal(node, 'node');
  assert.equal(rest.at(-1), 'dist/server/index.js');
  return rest.slice(0, -1);
}

/** The Node options of the `silta` command's first line (`#!/usr/bin/env -S node …`). */
function siltaCommandNodeFlags(): string[] {
  const shebang = fs.readFileSync('scripts/silta.ts', 'utf8').split('\n')[0];
  const options = /^#!\/usr\/bin\/env -S node((?: --\S+)*)$/.exec(shebang)?.[1];
  assert.ok(options !== undefined, `the silta command runs node: ${shebang}`);
  return options.split(' ').filter(Boolean);
}

describe('Silta runs with the same Node options everywhere (decision 0038)', () => {
  it('npm start, the Dockerfile and `silta start` give Node the same options, and the benchmarks read them from npm start', () => {
    const flags = productionNodeFlags();
    assert.deepEqual(dockerNodeFlags(), flags);
    assert.deepEqual(siltaCommandNodeFlags(), flags);
    assert.ok(
      flags.some((flag) => /^--max-old-space-size=\d+$/.test(flag)),
      `a heap limit among ${flags.join(' ')}`,
    );
  });

  it('Node accepts the options and limits the heap by them', () => {
    const flags = productionNodeFlags();
    const limitMb = Number(/^--max-old-space-size=(\d+)$/.exec(flags.find((f) => f.startsWith('--max-old'))!)![1]);
    const heapLimit = Number(
      execFileSync(process.execPath, [...flags, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], {
        encoding: 'utf8',
      }),
    );
    // The limit is the old space's plus the young generation's (tens of MB).
    assert.ok(heapLimit >= limitMb * 2 ** 20 && heapLimit < (limitMb + 128) * 2 ** 20, `heap limit ${heapLimit}`);
  });
});
