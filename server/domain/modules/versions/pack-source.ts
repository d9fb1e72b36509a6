import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadPackFiles, type ContentProblem, type ModulePack } from '../content-pack';

/**
 * A pack's source: its files by relative path (`module.yaml`, `steps/fi/intro.md`), exactly as an
 * author wrote them. This is what a version stores; the validated ModulePack is derived from it.
 */
export type PackSource = Readonly<Record<string, string>>;

/** The files of a pack folder on disk (module.yaml and steps/<lang>/*.md). */
export function readPackFolder(dir: string): PackSource {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return files;
}

/** Validates a source with content-pack.ts's rules; problems name the file as `<slug>/<path>`. */
export function packFromSource(
  slug: string,
  source: PackSource,
): { pack: ModulePack; problems: [] } | { pack: null; problems: ContentProblem[] } {
  return loadPackFiles(
    { read: (relative) => (Object.hasOwn(source, relative) ? source[relative] : null), label: (relative) => relative },
    slug,
  );
}

/** The `id` and `version` a module.yaml declares, when it can be read at all. */
export function declaredIdentity(source: PackSource): { id: string | null; version: string | null } {
  const yaml = source['module.yaml'];
  if (yaml === undefined) return { id: null, version: null };
  const doc = parseDocument(yaml);
  if (doc.errors.length) return { id: null, version: null };
  const id = doc.get('id');
  const version = doc.get('version');
  return { id: typeof id === 'string' ? id : null, version: typeof version === 'string' ? version : null };
}

/** The same source with module.yaml's `version` set (comments and layout kept). */
export function withVersion(source: PackSource, version: string): PackSource {
  const doc = parseDocument(source['module.yaml'] ?? '');
  doc.set('version', version);
  return { ...source, 'module.yaml': doc.toString({ lineWidth: 0 }) };
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/;

/** Semantic version order (build metadata ignored; a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return a.localeCompare(b);
  for (let i = 1; i <= 3; i++) {
    const diff = Number(pa[i]) - Number(pb[i]);
    if (diff !== 0) return Math.sign(diff);
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4].localeCompare(pb[4], 'en', { numeric: true });
}

/** The next patch version after `version` (1.2.3 → 1.2.4; 1.2.3-rc.1 → 1.2.3). */
export function nextPatch(version: string): string {
  const m = SEMVER.exec(version);
  if (!m) return '1.0.0';
  if (m[4] !== undefined) return `${m[1]}.${m[2]}.${m[3]}`;
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}
