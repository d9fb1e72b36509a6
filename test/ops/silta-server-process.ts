/**
 * Silta as `npm start` runs it (serve(): listening, signal handlers, graceful shutdown) for the
 * shutdown test: on the test's database, without a development platform of its own (it sends
 * grades to the test process's one), its grade worker limited to one resource link. Prints
 * `ready <port>` once listening.
 */
import type { AddressInfo } from 'node:net';
import { loadEnv } from '../../server/env';
import { createLogger } from '../../server/logger';
import { serve } from '../../server/ops/serve';

async function main() {
  const number = (name: string) => Number(process.env[name]);
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL,
    SECRET_KEY: process.env.SECRET_KEY,
    DEV_PLATFORM: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_SECONDS: process.env.SHUTDOWN_TIMEOUT_SECONDS,
  });
  const { server } = await serve(env, createLogger(env.logLevel), {
    startGradeWorker: true,
    serviceTimeoutMs: number('SERVICE_TIMEOUT_MS'),
    gradeWorker: {
      pollMs: 50,
      batchSize: number('BATCH_SIZE'),
      baseDelayMs: 100,
      maxDelayMs: 400,
      leaseMs: 60_000,
      resourceLinkIds: [number('RESOURCE_LINK_ID')],
    },
  });
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
