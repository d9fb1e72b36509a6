import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve('scripts/prestart.mjs');

/** A project with one source and a build; `build` (npm run build) leaves a mark instead of compiling. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-prestart-'));
  for (const [file, text] of Object.entries({
    'server/index.ts': 'export {};',
    'dist/server/index.js': '',
    'public/js/app.js': '',
    'package.json': JSON.stringify({
      name: 'x',
      scripts: { build: "node -e \"require('fs').writeFileSync('built', '1')\"" },
    }),
  })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}
const at = (dir: string, file: string, seconds: number) => fs.utimesSync(path.join(dir, file), seconds, seconds);
const run = (dir: string) =>
  execFileSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('npm start builds only when dist/ is older than a source', function () {
  this.timeout(60_000);
  it('skips the build when dist/ is newer than every source, and builds once a source changes', () => {
    const dir = project();
    for (const f of ['server/index.ts', 'package.json']) at(dir, f, 1_000);
    for (const f of ['dist/server/index.js', 'public/js/app.js']) at(dir, f, 2_000);
    assert.match(run(dir), /without a build/);
    assert.ok(!fs.existsSync(path.join(dir, 'built')));
    at(dir, 'server/index.ts', 3_000);
    assert.match(run(dir), /building once/);
    assert.ok(fs.existsSync(path.join(dir, 'built')));
  });

  it('builds on the first start, when there is no dist/', () => {
    const dir = project();
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    assert.match(run(dir), /first start/);
    assert.ok(fs.existsSync(path.join(dir, 'built')));
  });
});
