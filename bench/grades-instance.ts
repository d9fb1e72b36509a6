/**
 * One Silta instance for bench:grades: boots Silta on the bench's database with the grade worker
 * running with its production settings (short renewed claims, probes, 4 in flight per platform),
 * without a development platform of its own: it sends to the bench process's one over HTTP.
 * SIGKILL kills it mid-work; SIGTERM closes it cleanly.
 */
import http from 'node:http';
import { bootSilta } from '../server/boot';
import { loadEnv } from '../server/env';
import { createLogger } from '../server/logger';

async function main() {
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL,
    SECRET_KEY: process.env.SECRET_KEY,
    DEV_PLATFORM: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_URL: process.env.REDIS_URL,
  });
  const silta = await bootSilta(env, createLogger(env.logLevel), { startGradeWorker: true });
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
