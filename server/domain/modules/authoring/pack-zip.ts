import { Unzip, UnzipInflate, zipSync, strToU8 } from 'fflate';
import { SiltaError } from '../../../errors';
import type { PackSource } from '../versions/pack-source';

/** What an uploaded pack may be at most (the 50 MB is the upload; the text inside is far smaller). */
export const PACK_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
export const PACK_MAX_FILES = 400;
export const PACK_MAX_FILE_BYTES = 1024 * 1024;
export const PACK_MAX_TOTAL_BYTES = 8 * 1024 * 1024;
/** Compressed bytes handed to the inflater at a time, which bounds what one step can produce. */
const SLICE = 4096;

const PACK_PATH = /^(module\.yaml|steps\/(fi|sv|en)\/[a-z0-9]+(?:-[a-z0-9]+)*\.md)$/;
/** Clutter that archivers add (macOS resource forks, hidden files): skipped, not reported. */
const CLUTTER = /(^|\/)(__MACOSX|\.[^/]*)(\/|$)/;

const unsafe = (name: string) =>
  name.startsWith('/') ||
  name.includes('\\') ||
  /^[a-zA-Z]:/.test(name) ||
  name.split('/').some((part) => part === '..') ||
  name.includes('\0');

/**
 * Reads a pack zip (the folder format of content/README.md, at the top of the zip or inside one
 * folder) into its files, in memory only: nothing is ever written to disk. Refuses a path that
 * climbs out (`..`, absolute, backslashes), more files or bytes than a pack can need (a zip bomb
 * is stopped while inflating, whatever its headers claim), and text that is not UTF-8. Returns
 * the files, the folder name when there was one, and the entries that are not part of a pack.
 */
export function readPackZip(data: Uint8Array): { source: PackSource; folder: string | null; ignored: string[] } {
  if (data.length < 22 || data[0] !== 0x50 || data[1] !== 0x4b)
    throw new SiltaError('pack_zip_invalid', 'bad_request', 'not a zip');
  const raw = new Map<string, Uint8Array[]>();
  let total = 0;
  let entries = 0;
  let failure: SiltaError | null = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    entries += 1;
    if (entries > PACK_MAX_FILES)
      failure = new SiltaError('pack_zip_too_many_files', 'bad_request', String(entries), { max: PACK_MAX_FILES });
    else if (unsafe(file.name))
      failure = new SiltaError('pack_zip_unsafe_path', 'bad_request', file.name, { name: file.name.slice(0, 200) });
    if (failure || file.name.endsWith('/')) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    raw.set(file.name, chunks);
    file.ondata = (error, chunk) => {
      if (failure) return;
      if (error) {
        failure = new SiltaError('pack_zip_invalid', 'bad_request', error.message);
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > PACK_MAX_FILE_BYTES || total > PACK_MAX_TOTAL_BYTES) {
        failure = new SiltaError('pack_zip_too_big', 'bad_request', `${file.name}: ${size} / ${total}`, {
          max: Math.round(PACK_MAX_TOTAL_BYTES / 1024 / 1024),
        });
        file.terminate();
        return;
      }
      chunks.push(chunk);
    };
    try {
      file.start();
    } catch {
      failure = new SiltaError('pack_zip_invalid', 'bad_request', `compression ${file.compression} of ${file.name}`);
    }
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < data.length && !failure; at += SLICE)
      unzip.push(data.subarray(at, at + SLICE), at + SLICE >= data.length);
  } catch (error) {
    failure ??= new SiltaError('pack_zip_invalid', 'bad_request', (error as Error).message);
  }
  if (failure) throw failure;

  const names = [...raw.keys()].filter((name) => !CLUTTER.test(name));
  // One top folder holding module.yaml (a zipped pack folder) is stripped.
  const tops = new Set(names.map((name) => (name.includes('/') ? name.split('/')[0] : '')));
  const folder =
    tops.size === 1 && !tops.has('') && names.includes(`${[...tops][0]}/module.yaml`) ? [...tops][0] : null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const source: Record<string, string> = {};
  const ignored: string[] = [];
  for (const name of names) {
    const relative = folder ? name.slice(folder.length + 1) : name;
    if (!PACK_PATH.test(relative)) {
      ignored.push(relative);
      continue;
    }
    try {
      source[relative] = decoder.decode(concat(raw.get(name)!)).replace(/^\uFEFF/, '');
    } catch {
      throw new SiltaError('pack_zip_not_text', 'bad_request', relative, { name: relative });
    }
  }
  if (!Object.keys(source).length) throw new SiltaError('pack_zip_empty', 'bad_request');
  return { source, folder, ignored: ignored.sort() };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A pack's files as a zip with the module's folder at the top, as content/modules holds it. */
export function writePackZip(slug: string, source: PackSource): Uint8Array {
  const tree: Record<string, Uint8Array> = {};
  for (const [relative, text] of Object.entries(source).sort(([a], [b]) => a.localeCompare(b)))
    tree[`${slug}/${relative}`] = strToU8(text);
  // A fixed time keeps the export of one version byte-for-byte the same.
  return zipSync(tree, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}
