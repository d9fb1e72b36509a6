import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { analyserStatus } from '../../server/domain/board/search/analyser';

const run = promisify(execFile);

describe('board search without Voikko', () => {
  it('starts, says once that Finnish falls back to Snowball, and shows it on /readyz', async function () {
    this.timeout(120_000);
    const script = path.join(__dirname, 'search-fallback-process.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, SILTA_NO_VOIKKO: '1' },
      maxBuffer: 10_000_000,
    });
    const lines = stdout.split('\n').filter(Boolean);
    const result = lines
      .map(
        (l) =>
          JSON.parse(l) as {
            result?: { status: number; body: { search: unknown }; lemmas: { primary: string } };
            msg?: string;
          },
      )
      .find((l) => l.result)?.result;
    assert.ok(result, stdout);
    assert.equal(result.status, 200, 'Silta is ready');
    assert.deepEqual(result.body.search, { finnish: 'snowball', reason: 'SILTA_NO_VOIKKO=1' });
    assert.equal(result.lemmas.primary, 'työkyky', 'Snowball Finnish still joins työkykyä and työkyky');
    assert.equal(lines.filter((l) => l.includes('Voikko is not available')).length, 1, 'said once at start');
  });

  it('uses Voikko where it is installed (as in CI)', () => {
    assert.deepEqual(analyserStatus(), { finnish: 'voikko' });
  });
});
