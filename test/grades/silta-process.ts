/**
 * A Silta process for the restart test: boots Silta on the test's database (without a
 * development platform of its own: it talks to the test process's one over HTTP, registered in
 * that database) with the grade worker running, limited to one resource link. Killed with
 * SIGKILL it dies mid-work like a crashed server; SIGTERM closes it as `npm start` does.
 */
import http from 'node:http';
import { bootSilta } from '../../server/boot';
import { loadEnv } from '../../server/env';
import { createLogger } from '../../server/logger';

async function main() {
  const number = (name: string) => Number(process.env[name]);
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL,
    SECRET_KEY: process.env.SECRET_KEY,
    DEV_PLATFORM: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  const silta = await bootSilta(env, createLogger(env.logLevel), {
    startGradeWorker: true,
    serviceTimeoutMs: number('SERVICE_TIMEOUT_MS'),
    gradeWorker: {
      pollMs: 50,
      baseDelayMs: 100,
      maxDelayMs: 400,
      leaseMs: number('LEASE_MS'),
      resourceLinkIds: [number('RESOURCE_LINK_ID')],
    },
  });
  // Listening keeps the process alive as `npm start` does: the worker's timers do not.
  const server = http.createServer(silta.app).listen(0, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    silta.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
