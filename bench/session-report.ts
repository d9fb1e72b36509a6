import fs from 'node:fs';
import type { LoadOptions, LoadResult } from './session-clients';
import { percentile, table } from './stats';

/** Targets of issue 5 on 2 cores: p95 under 50 ms at 300 clients and 20 notes/s, within 1.3x of bare Socket.IO. */
export const TARGET_P95_MS = 50;
export const TARGET_RATIO = 1.3;

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

/** VmRSS and VmHWM (peak) of a process in MB, from /proc; undefined where there is none. */
export function rssMb(pid: number | undefined): { rss?: number; peak?: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return {};
  }
}

/** Prints both servers' figures, the ratio of their p95s and whether the targets are met; writes JSON when asked. */
export function reportSessionLoad(props: {
  options: LoadOptions & { rounds: number };
  commands: string;
  machine: string;
  results: LoadResult[];
  json?: string;
}): void {
  const { options, results } = props;
  const rows = [
    [
      'server',
      'clients',
      'notes',
      'ack errors',
      'delivered',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'ack p95 ms',
      'CPU %',
      'CPU ms/note',
      'RSS MB',
      'peak MB',
      'client lag p99/max ms',
    ],
  ];
  for (const r of results) {
    const errors = Object.values(r.ackErrors).reduce((a, b) => a + b, 0);
    const cpu = r.serverCpuMs;
    rows.push([
      r.tool,
      String(r.clients),
      String(r.sent),
      String(errors),
      `${r.received}/${r.expected}`,
      ms(percentile(r.latencies, 50)),
      ms(percentile(r.latencies, 95)),
      ms(percentile(r.latencies, 99)),
      ms(r.latencies.reduce((a, b) => Math.max(a, b), -Infinity)),
      ms(percentile(r.acks, 95)),
      cpu === undefined ? '-' : ((cpu / r.wallMs) * 100).toFixed(0),
      cpu === undefined ? '-' : (cpu / Math.max(1, r.sent)).toFixed(2),
      ms(r.serverRssMb ?? NaN),
      ms(r.serverPeakRssMb ?? NaN),
      `${ms(r.clientLoopP99Ms)}/${ms(r.clientLoopMaxMs)}`,
    ]);
  }
  console.log(
    `\nsession broadcast load: ${options.clients} clients in one session, ${options.rate} notes/s for ${options.seconds} s per server after a ${options.warmupSeconds} s warm-up, in ${options.rounds} round(s) alternating between the servers`,
  );
  console.log(`servers: ${props.commands}`);
  console.log(props.machine);
  console.log(
    "latency: from the sender's emit to each client's receipt of note:added (every client, the sender included)\n",
  );
  console.log(table(rows));
  for (const r of results)
    if (Object.keys(r.ackErrors).length) console.log(`${r.tool} ack errors: ${JSON.stringify(r.ackErrors)}`);
  const [silta, bare] = [results.find((r) => r.tool === 'silta'), results.find((r) => r.tool === 'bare socket.io')];
  if (silta && bare) {
    const p95 = percentile(silta.latencies, 95);
    const ratio = p95 / percentile(bare.latencies, 95);
    console.log(`\nratio (Silta p95 / bare p95): ${ratio.toFixed(2)}x`);
    console.log(
      `targets: p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'} (${ms(p95)} ms); within ${TARGET_RATIO}x of bare: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`,
    );
  }
  if (props.json) {
    const summary = results.map((r) => ({
      ...r,
      latencies: undefined,
      acks: undefined,
      p50: percentile(r.latencies, 50),
      p95: percentile(r.latencies, 95),
      p99: percentile(r.latencies, 99),
      ackP95: percentile(r.acks, 95),
    }));
    fs.writeFileSync(props.json, JSON.stringify({ options, commands: props.commands, results: summary }, null, 2));
  }
}
