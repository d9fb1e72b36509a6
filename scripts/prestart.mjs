// `npm start` builds only when it has to: when dist/ is missing or older than any source the
// build reads (the TypeScript, the browser scripts, the build's own configuration). The first
// start after `npm ci` builds once and says so; later starts skip the ~1 min TypeScript build.
/* global process, console */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCES = ['server', 'lti', 'scripts', 'public/src'];
const FILES = ['tsconfig.json', 'public/tsconfig.json', 'package.json', 'package-lock.json'];
const BUILT = ['dist/server/index.js', 'public/js'];

/** The newest modification time under `dir` (files whose names end in one of `extensions`). */
function newest(dir, extensions) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, extensions));
    else if (extensions.some((e) => entry.name.endsWith(e))) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  ...SOURCES.map((d) => newest(d, ['.ts', '.mjs', '.json'])),
  ...FILES.filter(existsSync).map((f) => statSync(f).mtimeMs),
);
const built = BUILT.every(existsSync) ? Math.min(statSync(BUILT[0]).mtimeMs, newest(BUILT[1], ['.js'])) : 0;

if (process.env.SILTA_FORCE_BUILD !== '1' && built > sources) {
  console.log('silta: dist/ is newer than every source; starting without a build (SILTA_FORCE_BUILD=1 to force one).');
} else {
  console.log(
    built
      ? 'silta: sources changed since the last build; building once…'
      : 'silta: first start: building once (about a minute)…',
  );
  execSync('npm run build', { stdio: 'inherit' });
}
