/**
 * What holds the memory of a server child: `--heap-snapshot` on `bench:session` makes the child
 * write a V8 heap snapshot (node's --heapsnapshot-signal) once its clients joined, and this sums
 * the snapshot's objects by constructor (self size: what each kind of object itself takes; a
 * retained-size analysis needs DevTools, which opens the same file).
 */
import fs from 'node:fs';
import path from 'node:path';

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
};

/** Waits for the snapshot a child writes into `dir` after the signal (the file grows until done). */
export async function waitForSnapshot(dir: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((name) => name.endsWith('.heapsnapshot')) : undefined;
    const size = file ? fs.statSync(path.join(dir, file)).size : -1;
    // Node writes the JSON in one go and closes it with "]}": a complete file ends so.
    if (
      file &&
      size === last &&
      size > 0 &&
      fs.readFileSync(path.join(dir, file)).subarray(-4).toString().includes('}')
    )
      return path.join(dir, file);
    if (Date.now() > deadline) throw new Error(`no heap snapshot in ${dir}`);
    last = size;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The biggest kinds of objects in a heap snapshot, as report lines. */
export function summariseHeapSnapshot(file: string, top = 18): string {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKind = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < data.nodes.length; i += fields.length) {
    const type = types[data.nodes[i + typeAt]];
    const bytes = data.nodes[i + sizeAt];
    // Objects and closures by constructor or function name; strings, code and the rest by type.
    const kind =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${data.strings[data.nodes[i + nameAt]]} (${type})`
        : `(${type})`;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    byKind.set(kind, entry);
    total += bytes;
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const rows = [...byKind.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top);
  return [
    `heap snapshot ${file}: ${mb(total)} MB of live objects`,
    ...rows.map(
      ([kind, e]) => `  ${mb(e.bytes).padStart(6)} MB  ${String(e.count).padStart(8)} x  ${kind.slice(0, 90)}`,
    ),
  ].join('\n');
}
