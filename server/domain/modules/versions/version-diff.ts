import { structuredPatch } from 'diff';
import type { PackSource } from './pack-source';

export type DiffLine = {
  kind: 'added' | 'removed' | 'same';
  text: string;
  oldLine: number | null;
  newLine: number | null;
};
export type FileDiff = { file: string; status: 'added' | 'removed' | 'changed'; hunks: DiffLine[][] };

/**
 * What changed between two versions' files, file by file, as hunks of lines with two lines of
 * context: the line-level view an author reads ("option B's Swedish text changed on line 48").
 */
export function diffSources(from: PackSource, to: PackSource): FileDiff[] {
  const files = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort((a, b) =>
    a === 'module.yaml' ? -1 : b === 'module.yaml' ? 1 : a.localeCompare(b),
  );
  const out: FileDiff[] = [];
  for (const file of files) {
    const before = from[file] ?? '';
    const after = to[file] ?? '';
    if (before === after) continue;
    const patch = structuredPatch(file, file, before, after, undefined, undefined, { context: 2 });
    const hunks = patch.hunks.map((hunk) => {
      let oldLine = hunk.oldStart;
      let newLine = hunk.newStart;
      return hunk.lines
        .filter((line) => !line.startsWith('\\'))
        .map((line): DiffLine => {
          const text = line.slice(1);
          if (line.startsWith('+')) return { kind: 'added', text, oldLine: null, newLine: newLine++ };
          if (line.startsWith('-')) return { kind: 'removed', text, oldLine: oldLine++, newLine: null };
          return { kind: 'same', text, oldLine: oldLine++, newLine: newLine++ };
        });
    });
    out.push({ file, status: !(file in from) ? 'added' : !(file in to) ? 'removed' : 'changed', hunks });
  }
  return out;
}
