import fs from 'node:fs';
import { ROOT } from './children';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };

/** Where a frame's code lives: an npm package, a project file, node itself, or V8's pseudo-frames. */
function placeOf(url: string, functionName: string): string {
  // sqlite3's N-API methods show up under the name of its first native class.
  if (!url && functionName === 'Backup') return 'sqlite3 (native binding)';
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  // Bench files compiled for plain node live in the run's temporary folder.
  const compiled = /\/silta-bench-[^/]+\/([\w-]+)\.js$/.exec(path);
  if (compiled) return `bench/${compiled[1]}.ts`;
  return path.startsWith(ROOT) ? path.slice(ROOT.length + 1).replace(/^dist\//, '') : path;
}

const frameKey = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'}  ${placeOf(node.callFrame.url, node.callFrame.functionName)}:${node.callFrame.lineNumber + 1}`;

/**
 * Summarises a .cpuprofile: self time per package or project file, the hottest functions, and
 * the inclusive time of the project's own functions (what a Silta code path costs in total), per
 * launch (or per `unit`).
 */
export function summariseCpuProfile(file: string, launches: number, unit = 'launch'): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + interval);

  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    if (place === '(idle)') continue;
    busy += ms;
    places.set(place, (places.get(place) ?? 0) + ms);
    functions.set(frameKey(node), (functions.get(frameKey(node)) ?? 0) + ms);
  }

  // Inclusive time of project functions, counting a function once per stack.
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      const place = placeOf(node.callFrame.url, node.callFrame.functionName);
      if (place === '(idle)') break;
      if (!/^(server|lti|bench)\//.test(place) || place === 'bench/trace-preload.ts') continue;
      const key = frameKey(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }

  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, ms]) =>
          `  ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${(ms / launches).toFixed(2).padStart(6)} ms/${unit}  ${key}`,
      )
      .join('\n');
  return [
    `CPU busy ${busy.toFixed(0)} ms over ${launches} ${unit}s = ${(busy / launches).toFixed(2)} ms of server CPU per ${unit} (sampling every ${interval.toFixed(2)} ms)`,
    'self time by package / file:',
    top(places, 14),
    'hottest functions (self time):',
    top(functions, 14),
    'project functions (inclusive time: what each code path of the project costs, callees included):',
    top(inclusive, 14),
  ].join('\n');
}
