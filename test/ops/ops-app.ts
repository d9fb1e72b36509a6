import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import type { Env } from '../../server/env';
import { createLogger } from '../../server/logger';
import type { TestSilta } from '../helpers/test-app';

/**
 * A second app on the test Silta's store, with other settings (e.g. a metrics token) and a logger
 * whose lines the test reads. The test Silta itself keeps the configuration it booted with.
 */
export function opsApp(
  t: TestSilta,
  env: Partial<Env> = {},
): { app: Express; lines: () => Record<string, unknown>[]; text: () => string } {
  let captured = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      captured += chunk.toString();
      done();
    },
  });
  // The production logger (redaction included), writing here.
  const logger = createLogger('info', sink);
  const app = createApp({
    env: { ...t.env, ...env },
    sequelize: t.silta.sequelize,
    lti: t.silta.lti,
    registry: t.silta.registry,
    logger,
    devPlatform: t.devPlatform,
    modules: t.silta.modules,
    serviceClient: t.silta.serviceClient,
  });
  return {
    app,
    text: () => captured,
    lines: () =>
      captured
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
