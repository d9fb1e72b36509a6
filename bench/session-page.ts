/**
 * The live session page's own cost (issue 17): a wall with --notes notes (default 500) open in
 * headless Chromium with the CPU throttled --throttle times (default 4, a mid-range phone or an
 * old laptop), and --samples new notes (default 20) added one at a time by another participant's
 * socket. For each it measures, on the same clock: the writer's acknowledgement, the note
 * appearing on the wall (a MutationObserver in the page) and the page's live region being set.
 * The announcement includes the announcer's deliberate batching window (1.2 s: a burst of notes
 * is said as "5 new notes"), reported separately.
 *
 *   npx tsx bench/session-page.ts [--notes 500] [--samples 20] [--throttle 4] [--tsx|--dist]
 *     [--on-screen] [--trace] [--trace-file trace.json] [--trace-categories blink,blink_style]
 *
 * New notes go where the seeded ones went (lane after lane, so most land in cells out of view);
 * --on-screen puts each into the first lane's cells, which are in view.
 *
 * --trace also records a Chromium trace of the samples and prints what each new note's frame
 * cost the viewer's main thread (script, style, layout, paint...; elements restyled and layout
 * objects, which do not move with the machine's speed); --trace-file keeps the trace;
 * --trace-categories records more Chromium categories in it (e.g. `blink,blink_style,
 * disabled-by-default-blink.debug` for style's own steps and selector statistics).
 *
 * Not a test: never asserts timings; exits non-zero only when it could not run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import { chromium } from 'playwright-core';
import { boundedRun, runBench } from './children';
import { usage } from './flags';
import { COLUMNS, connectClients, LANES } from './session-clients';
import { COURSE, createSession } from './session-setup';
import { percentile } from './stats';
import { startSilta } from './tools';
import { call } from './http-client';
import { calibrationLine, calibrationMs } from './calibration';
import { frameCosts } from './frame-costs';

const { values: flags } = parseArgs({
  options: {
    notes: { type: 'string', default: '500' },
    samples: { type: 'string', default: '20' },
    throttle: { type: 'string', default: '4' },
    tsx: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    'on-screen': { type: 'boolean', default: false },
    'trace-file': { type: 'string' },
    'trace-categories': { type: 'string', default: '' },
  },
});
const { whole } = usage('bench:session-page');
const notes = whole('notes', flags.notes, 1);
const samples = whole('samples', flags.samples, 1);
const throttle = whole('throttle', flags.throttle, 1);
const tmp = boundedRun('silta-bench-page-', 600_000);

type Ack = { data?: unknown; error?: { code: string; message: string } };
const emit = (socket: Socket, payload: Record<string, unknown>) =>
  new Promise<Ack>((resolve) =>
    socket
      .timeout(15_000)
      .emit('note:add', payload, (err: Error | null, ack: Ack) =>
        resolve(err ? { error: { code: 'timeout', message: err.message } } : ack),
      ),
  );

async function main() {
  const command = flags.tsx ? ('tsx' as const) : flags.dist ? ('dist' as const) : ('auto' as const);
  const silta = await startSilta({
    tmp,
    profile: false,
    verbose: flags.verbose!,
    command,
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const base = silta.baseUrl;
    const writerLt = await silta.launchToken('teacher', COURSE);
    const sessionId = await createSession(base, writerLt);
    const viewerLt = await silta.launchToken('developer', COURSE);
    // Ten sockets of the writer, each kept under the per-socket rate limit (20/s) while seeding.
    const writers = await connectClients(
      {
        name: 'silta',
        url: base,
        origin: new URL(base).origin,
        sessionId,
        token: async () =>
          (
            JSON.parse(
              (await call({ method: 'GET', url: `${base}/realtime/token?lt=${writerLt}`, expect: 200 })).body,
            ) as { token: string }
          ).token,
      },
      10,
    );
    const writer = writers[0];
    const note = (i: number, text: string) => ({
      sessionId,
      clientId: crypto.randomUUID(),
      lane: LANES[i % LANES.length],
      column: COLUMNS[Math.floor(i / LANES.length) % COLUMNS.length],
      text,
      colour: 'yellow',
    });
    console.error(`seeding ${notes} notes`);
    for (let first = 0; first < notes; first += writers.length) {
      const batch = Array.from({ length: Math.min(writers.length, notes - first) }, (_, k) => first + k);
      await Promise.all([
        ...batch.map(async (i) => {
          const ack = await emit(
            writers[i % writers.length],
            note(i, `Lappu ${i}: työkyvyn tuki ja yhteinen suunnitelma`),
          );
          if (ack.error) throw new Error(`seed note ${i}: ${ack.error.message}`);
        }),
        new Promise((resolve) => setTimeout(resolve, 70)),
      ]);
    }

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI' })
    ).newPage();
    const cdp = await page.context().newCDPSession(page);
    const loadStart = Date.now();
    await page.goto(`${base}/sessions/${sessionId}?lt=${viewerLt}`, { timeout: 180_000 });
    await page.locator('#session-connection', { hasText: 'Yhteys toimii' }).waitFor({ timeout: 120_000 });
    const loadMs = Date.now() - loadStart;
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        html: Math.round(n.responseEnd),
        bytes: n.transferSize,
        domReady: Math.round(n.domContentLoadedEventEnd),
        load: Math.round(n.loadEventEnd),
        elements: document.getElementsByTagName('*').length,
      };
    });
    console.error(
      `page: HTML received ${nav.html} ms (${Math.round(nav.bytes / 1024)} KiB), DOM ready ${nav.domReady} ms, load ${nav.load} ms, ${nav.elements} elements`,
    );
    const shown = await page.locator('.session-grid .session-note').count();
    console.error(
      `page joined with ${shown} notes on the wall; connection: ${await page.locator('#session-connection').textContent()}`,
    );
    page.on('console', (m) => console.error(`[page] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    // Timestamps in the page: the note inserted into the wall (a MutationObserver), the frame that
    // shows it painted (its next animation frame, then a task: the paint has happened), and the
    // live region set. The bench waits for them with one call per note made before the note is
    // sent, answered by the page when all three are there: polling the page every 20 ms ran
    // script on its throttled main thread (1-5 ms a call) in the very frames being measured.
    await page.evaluate(() => {
      type Waiter = { id: string; said: number; resolve(marks: object | null): void };
      const w = window as unknown as {
        seen: Record<string, number>;
        painted: Record<string, number>;
        said: number[];
        waiters: Waiter[];
        wake(): void;
      };
      w.seen = {};
      w.painted = {};
      w.said = [];
      w.waiters = [];
      w.wake = () => {
        w.waiters = w.waiters.filter((waiter) => {
          const marks = { seen: w.seen[waiter.id], painted: w.painted[waiter.id], said: w.said[waiter.said] };
          if (!marks.seen || !marks.painted || !marks.said) return true;
          waiter.resolve(marks);
          return false;
        });
      };
      new MutationObserver((records) => {
        const now = Date.now();
        for (const r of records) {
          for (const n of r.addedNodes) {
            const id = n instanceof HTMLElement ? n.dataset.noteId : undefined;
            if (!id || w.seen[id]) continue;
            w.seen[id] = now;
            performance.mark(`seen:${id}`);
            requestAnimationFrame(() =>
              setTimeout(() => {
                w.painted[id] = Date.now();
                performance.mark(`painted:${id}`);
                w.wake();
              }),
            );
          }
        }
      }).observe(document.querySelector('.session-grid')!, { childList: true, subtree: true });
      new MutationObserver(() => {
        w.said.push(Date.now());
        w.wake();
      }).observe(document.getElementById('session-announcer')!, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    type Marks = { seen: number; painted: number; said: number };
    /** Resolves when the page has seen, painted and announced note `id` (its `said`-th announcement); rejects after 30 s. */
    const marksOf = (id: string, said: number): Promise<Marks> =>
      page
        .evaluate(
          ([noteId, saidIndex]) =>
            new Promise<Marks | null>((resolve) => {
              const w = window as unknown as {
                waiters: { id: string; said: number; resolve(marks: Marks | null): void }[];
                wake(): void;
              };
              w.waiters.push({ id: noteId as string, said: saidIndex as number, resolve });
              w.wake();
              setTimeout(() => resolve(null), 30_000);
            }),
          [id, said] as const,
        )
        .then((marks) => {
          if (!marks) throw new Error(`note ${id}: not inserted, painted and announced within 30 s`);
          return marks;
        });

    if (flags.trace || flags['trace-file'])
      await browser.startTracing(page, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          ...flags['trace-categories']!.split(',').filter(Boolean),
        ],
      });
    const speedBefore = calibrationMs();
    const toAck: number[] = [];
    const toRender: number[] = [];
    const toPaint: number[] = [];
    const renderAfterAck: number[] = [];
    const toAnnounce: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < samples; i++) {
      // --on-screen: every new note into the first lane, in view at the top of the wall (the
      // worst case: painted, not skipped as off-screen cells are).
      const payload = note(flags['on-screen'] ? i * LANES.length : notes + i, `Uusi lappu ${i}`);
      ids.push(payload.clientId);
      const saidBefore = await page.evaluate(() => (window as unknown as { said: number[] }).said.length);
      const marks = marksOf(payload.clientId, saidBefore);
      const sent = Date.now();
      const ack = await emit(writer, payload);
      const acked = Date.now();
      if (ack.error) throw new Error(`note ${i}: ${ack.error.message}`);
      const { seen, painted, said } = await marks;
      toAck.push(acked - sent);
      toRender.push(seen - sent);
      toPaint.push(painted - sent);
      renderAfterAck.push(seen - acked);
      toAnnounce.push(said - sent);
    }
    const trace = flags.trace || flags['trace-file'] ? await browser.stopTracing() : null;
    if (trace && flags['trace-file']) fs.writeFileSync(flags['trace-file'], trace);
    const row = (label: string, values: number[]) =>
      `${label.padEnd(52)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(values, 95).toFixed(0).padStart(5)} ms   max ${Math.max(
        ...values,
      )
        .toFixed(0)
        .padStart(5)} ms`;
    console.log(
      `\nSession page with ${notes} notes, Chromium CPU throttled ${throttle}x, ${samples} new notes from another participant${flags['on-screen'] ? ' into cells in view' : ''} (Silta: ${silta.label})`,
    );
    console.log(`page load until joined (not throttled): ${loadMs} ms`);
    console.log(calibrationLine(speedBefore, calibrationMs()));
    console.log(row('writer emit -> acknowledged', toAck));
    console.log(row("writer emit -> note in the viewer's wall (DOM)", toRender));
    console.log(row("writer emit -> that frame painted on the viewer's wall", toPaint));
    console.log(row("acknowledged -> note on the viewer's wall", renderAfterAck));
    console.log(row('writer emit -> announced (incl. 1.2 s batching)', toAnnounce));
    console.log(
      row(
        'announced, less the 1.2 s batching window',
        toAnnounce.map((v) => v - 1200),
      ),
    );
    if (trace) {
      console.log(`\nthe viewer's main thread per new note, from a Chromium trace (durations throttled ${throttle}x):`);
      for (const line of frameCosts(trace, ids)) console.log(line);
    }
    for (const w of writers) w.disconnect();
  } finally {
    await browser.close();
    await silta.stop();
  }
}

runBench(main);
