/**
 * Boots Silta on a fresh SQLite file in a process of its own (the analyser is chosen once per
 * process) with SILTA_NO_VOIKKO=1 as the test sets it, prints /readyz's body and a search's
 * lemmas as one JSON line, then exits. Its log goes to stdout too, for the test to count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { bootSilta } from '../../server/boot';
import { lemmasOf } from '../../server/domain/board/search/analyser';
import { loadEnv } from '../../server/env';
import { createLogger } from '../../server/logger';

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-fallback-'));
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: `sqlite:${path.join(dir, 'silta.sqlite')}`,
    DEV_PLATFORM: 'false',
    LOG_LEVEL: 'info',
  });
  const silta = await bootSilta(env, createLogger(env.logLevel));
  const ready = await supertest(silta.app).get('/readyz');
  process.stdout.write(
    `${JSON.stringify({ result: { status: ready.status, body: ready.body, lemmas: lemmasOf('työkykyä', 'fi') } })}\n`,
  );
  await silta.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
