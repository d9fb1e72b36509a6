import type http from 'node:http';
import type { Logger } from '../logger';
import type { Lifecycle } from './lifecycle';

/** What a graceful shutdown closes, in the order it needs them closed. */
export type ShutdownParts = {
  server: http.Server;
  lifecycle: Lifecycle;
  /** Disconnects every socket; Socket.IO clients reconnect, through the proxy, to another instance. */
  closeSockets(): Promise<void>;
  /** Lets the grade worker record the batch in hand and stops it claiming more. */
  stopWorker(): Promise<void>;
  /** Closes what is left (timers, the database) once nothing uses it any more. */
  closeStore(): Promise<void>;
  logger: Logger;
  /** After this the shutdown gives up waiting: open connections are cut and it reports `forced`. */
  timeoutMs: number;
};

/** `clean`: everything closed in time; `forced`: the time ran out; `failed`: a step threw. */
export type ShutdownOutcome = 'clean' | 'forced' | 'failed';

/**
 * Returns the shutdown to run on SIGTERM/SIGINT. It marks the process draining (`/readyz`
 * answers 503 from then on), stops accepting connections, lets in-flight requests and the grade
 * batch finish while sockets are disconnected, then closes the store, all within `timeoutMs`.
 * Calling it again returns the same run.
 */
export function gracefulShutdown(parts: ShutdownParts): (signal: string) => Promise<ShutdownOutcome> {
  const { server, logger } = parts;
  let running: Promise<ShutdownOutcome> | undefined;

  async function drain(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections between requests would hold close() back until they time out.
    server.closeIdleConnections();
    await Promise.all([closed, parts.closeSockets(), parts.stopWorker()]);
    await parts.closeStore();
  }

  async function run(signal: string): Promise<ShutdownOutcome> {
    parts.lifecycle.draining = true;
    logger.info({ signal, timeoutMs: parts.timeoutMs }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<ShutdownOutcome>((resolve) => {
      timer = setTimeout(() => resolve('forced'), parts.timeoutMs);
    });
    const drained = drain().then(
      (): ShutdownOutcome => 'clean',
      (err: unknown): ShutdownOutcome => {
        logger.error({ err }, 'shutdown step failed');
        return 'failed';
      },
    );
    const outcome = await Promise.race([drained, timeUp]);
    clearTimeout(timer);
    if (outcome === 'forced') {
      server.closeAllConnections();
      logger.warn({ timeoutMs: parts.timeoutMs }, 'shutdown timed out; open work abandoned');
    } else logger.info({ outcome }, 'shut down');
    return outcome;
  }

  return (signal) => (running ??= run(signal));
}
