import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';

/**
 * Silta's Prometheus metrics, in a registry of its own (not prom-client's global one, which a
 * library could fill). One per process: Silta runs one app per process.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const requestDuration = new Histogram({
  name: 'silta_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Counted by the launch service when a launch was recorded. */
export const launchesTotal = new Counter({
  name: 'silta_launches_total',
  help: 'Successful LTI launches by message type',
  labelNames: ['message_type'] as const,
  registers: [registry],
});

/** What the scrape-time gauges read; set once the store and Socket.IO exist. */
export type MetricSources = {
  /** Grade outbox rows waiting to be sent and rows that failed for good. */
  outbox?: () => Promise<{ pending: number; failed: number }>;
  /** Each platform's grade delivery: reachable, failing since, next probe. */
  gradePlatforms?: () => Promise<
    { issuer: string; clientId: string; reachable: boolean; failingSince: Date | null; nextTryAt: Date | null }[]
  >;
  /** Socket.IO connections to this instance. */
  sockets?: () => number;
  logger?: Logger;
};

const sources: MetricSources = {};

/** Tells the gauges where to read; later calls add to or replace earlier sources. */
export function setMetricSources(more: MetricSources): void {
  Object.assign(sources, more);
}

new Gauge({
  name: 'silta_sockets_connected',
  help: 'Socket.IO clients connected to this instance',
  registers: [registry],
  collect() {
    this.set(sources.sockets?.() ?? 0);
  },
});

new Gauge({
  name: 'silta_grade_outbox_rows',
  help: 'Grade outbox rows by status: pending (to be sent) and failed (needs an admin)',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    if (!sources.outbox) return;
    try {
      const counts = await sources.outbox();
      this.set({ status: 'pending' }, counts.pending);
      this.set({ status: 'failed' }, counts.failed);
    } catch (err) {
      // A scrape while the database is away keeps the last values rather than failing the scrape.
      sources.logger?.warn({ err }, 'grade outbox metrics not read');
    }
  },
});

/** The platforms' grade delivery, read once per scrape for the three gauges below. */
let platformsRead: Promise<Awaited<ReturnType<NonNullable<MetricSources['gradePlatforms']>>>> | undefined;
function readPlatforms() {
  platformsRead ??= (sources.gradePlatforms?.() ?? Promise.resolve([])).finally(() =>
    setTimeout(() => (platformsRead = undefined), 100).unref(),
  );
  return platformsRead;
}

function platformGauge(
  name: string,
  help: string,
  value: (p: Awaited<ReturnType<typeof readPlatforms>>[number]) => number | null,
) {
  new Gauge({
    name,
    help,
    labelNames: ['issuer', 'client_id'] as const,
    registers: [registry],
    async collect() {
      if (!sources.gradePlatforms) return;
      try {
        const platforms = await readPlatforms();
        this.reset();
        for (const p of platforms) {
          const v = value(p);
          if (v !== null) this.set({ issuer: p.issuer, client_id: p.clientId }, v);
        }
      } catch (err) {
        sources.logger?.warn({ err }, 'grade platform metrics not read');
      }
    },
  });
}

platformGauge(
  'silta_grade_platform_reachable',
  'Whether the platform answered its last score request (1) or is failing (0)',
  (p) => (p.reachable ? 1 : 0),
);
platformGauge(
  'silta_grade_platform_failing_since_seconds',
  'Unix time since which the platform fails (absent while reachable)',
  (p) => (p.failingSince ? p.failingSince.getTime() / 1000 : null),
);
platformGauge(
  'silta_grade_platform_next_try_seconds',
  'Unix time of the next probe of a failing platform (absent while reachable)',
  (p) => (p.nextTryAt ? p.nextTryAt.getTime() / 1000 : null),
);

/**
 * The route pattern (`/modules/:slug`), not the URL: a label per URL would grow without bound.
 * Requests no route took (static files, 404s) share one label each.
 */
function routeOf(req: Request): string {
  if (req.route?.path !== undefined) return `${req.baseUrl}${String(req.route.path)}`;
  if (req.originalUrl.startsWith('/public/')) return '/public';
  return 'unmatched';
}

/** Times every request: one histogram observation when the response is finished, nothing else. */
export function measureRequests(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requestDuration.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
