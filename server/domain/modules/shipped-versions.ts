import fs from 'node:fs';
import path from 'node:path';
import { SEMVER } from './content-pack.schema';

/** A top-level `version:` line of a module.yaml with the schema's semantic version (quoted or not, a comment after it allowed). */
const VERSION_LINE = new RegExp(`^version:[ \\t]*(['"]?)(${SEMVER.source.slice(1, -1)})\\1[ \\t]*(?:#.*)?$`, 'm');

/**
 * The version each shipped pack under `dir` declares, read from its module.yaml without parsing
 * or validating the pack (that costs about 0.7 s of CPU for the shipped packs, at every start).
 * Null where the line cannot be read this way: such a pack is loaded in full, which reports the
 * problem with its file and line.
 */
export function shippedPackVersions(dir: string): Map<string, string | null> {
  const versions = new Map<string, string | null>();
  if (!fs.existsSync(dir)) return versions;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const manifest = path.join(dir, entry.name, 'module.yaml');
    const source = fs.existsSync(manifest) ? fs.readFileSync(manifest, 'utf8') : '';
    versions.set(entry.name, VERSION_LINE.exec(source)?.[2] ?? null);
  }
  return versions;
}
