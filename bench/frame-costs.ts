/**
 * What the page's main thread spent between a note's insertion and the frame that painted it,
 * from a Chromium trace (bench:session-page --trace). Each sample is bracketed by the page's
 * `seen:<id>` and `painted:<id>` user-timing marks. Durations move with the machine (and the CPU
 * throttle); the counts (elements restyled, layout objects) do not, so they compare runs on a
 * shared machine.
 */
import { percentile } from './stats';

type TraceEvent = {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    elementCount?: number;
    beginData?: { dirtyObjects?: number; totalObjects?: number };
  };
};

/** The rendering steps reported, by trace event name. */
const STEPS: [string, string][] = [
  ['FunctionCall', 'script'],
  ['UpdateLayoutTree', 'style'],
  ['Layout', 'layout'],
  ['PrePaint', 'pre-paint'],
  ['Paint', 'paint'],
  ['Layerize', 'layerize'],
  ['Commit', 'commit'],
];

/** One line per step (median and p95 over the samples) and the counts, ready to print. */
export function frameCosts(trace: Buffer, ids: string[]): string[] {
  const parsed = JSON.parse(trace.toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const complete = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const marks = new Map(events.filter((e) => e.name.includes(':')).map((e) => [e.name, e.ts]));
  const rows = new Map<string, number[]>();
  const add = (label: string, value: number) => rows.set(label, [...(rows.get(label) ?? []), value]);
  for (const id of ids) {
    const from = marks.get(`seen:${id}`);
    const to = marks.get(`painted:${id}`);
    if (from === undefined || to === undefined) continue;
    const inside = complete.filter((e) => e.ts >= from && e.ts <= to);
    const of = (name: string) => inside.filter((e) => e.name === name);
    add('frame (insert -> painted)', (to - from) / 1000);
    for (const [name, label] of STEPS)
      add(
        label,
        of(name).reduce((sum, e) => sum + (e.dur ?? 0) / 1000, 0),
      );
    add(
      'elements restyled',
      of('UpdateLayoutTree').reduce((sum, e) => sum + (e.args?.elementCount ?? 0), 0),
    );
    add(
      'layout objects',
      of('Layout').reduce((sum, e) => sum + (e.args?.beginData?.totalObjects ?? 0), 0),
    );
  }
  return [...rows].map(([label, values]) => {
    const unit = label.includes('elements') || label.includes('objects') ? '' : ' ms';
    const figure = (p: number) => `${percentile(values, p).toFixed(unit ? 1 : 0)}${unit}`.padStart(9);
    return `${label.padEnd(28)} p50 ${figure(50)}   p95 ${figure(95)}`;
  });
}
