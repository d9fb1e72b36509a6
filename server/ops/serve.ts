import http from 'node:http';
import { bootSilta, type BootOptions, type Silta } from '../boot';
import type { Env } from '../env';
import type { Logger } from '../logger';
import { gracefulShutdown, type ShutdownOutcome } from './shutdown';

export type Serving = { silta: Silta; server: http.Server; shutdown: (signal: string) => Promise<ShutdownOutcome> };

/**
 * Boots Silta, listens on `env.port`, and closes gracefully on SIGTERM or SIGINT: exit status 0
 * after a clean shutdown, 1 when it timed out or failed. A second signal exits at once.
 */
export async function serve(env: Env, logger: Logger, options: BootOptions = {}): Promise<Serving> {
  const silta = await bootSilta(env, logger, options);
  const server = http.createServer(silta.app);
  const realtime = await silta.attach(server);
  await new Promise<void>((resolve) => server.listen(env.port, resolve));
  const shutdown = gracefulShutdown({
    server,
    lifecycle: silta.lifecycle,
    closeSockets: () => realtime.close(),
    stopWorker: () => silta.gradeWorker.stop(),
    closeStore: () => silta.close(),
    logger,
    timeoutMs: env.shutdownTimeoutSeconds * 1000,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (silta.lifecycle.draining) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    void shutdown(signal).then((outcome) => process.exit(outcome === 'clean' ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { silta, server, shutdown };
}
