import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import supertest from 'supertest';
import { bootSilta, type Silta } from '../../server/boot';
import { loadEnv, type Env } from '../../server/env';
import { createLogger } from '../../server/logger';
import type { DevPlatform } from '../../lti/dev-platform/dev-platform';

export type TestSilta = {
  silta: Silta;
  env: Env;
  server: http.Server;
  baseUrl: string;
  devPlatform: DevPlatform;
  packs: Silta['packs'];
  request: () => supertest.Agent;
};

let instance: Promise<TestSilta> | undefined;

/** Empties the PostgreSQL test database so every run starts from a fresh schema. */
async function resetPostgres(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await client.end();
}

/** Extra environment variables, or a function of the chosen port that returns them. */
export type TestOverrides = Record<string, string> | ((port: number) => Record<string, string>);

/**
 * One Silta per test process (ltijs is a process-wide singleton), listening on a free port with
 * the development platform, on a fresh SQLite file or on `DATABASE_URL` when it is PostgreSQL.
 * Silta is `http://localhost:<port>` and the development platform `http://127.0.0.1:<port>`:
 * two different sites, like Moodle and a tool, so a browser treats Silta's frame as third-party.
 * The first call in the process decides the configuration; later overrides are ignored.
 */
export function testSilta(overrides: TestOverrides = {}): Promise<TestSilta> {
  instance ??= (async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl?.startsWith('postgres')) await resetPostgres(databaseUrl);
    else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-test-'));
      databaseUrl = `sqlite:${path.join(dir, 'silta.sqlite')}`;
    }
    const env = loadEnv({
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      REGISTRATION_SECRET: 'test-registration-secret-0123456789',
      DEV_PLATFORM_URL: `http://127.0.0.1:${port}/dev/platform`,
      ...(typeof overrides === 'function' ? overrides(port) : overrides),
    });
    const silta = await bootSilta(env, createLogger(env.logLevel));
    server.on('request', silta.app);
    await silta.attach(server);
    return {
      silta,
      env,
      server,
      baseUrl: env.publicUrl,
      devPlatform: silta.devPlatform!,
      packs: silta.packs,
      request: () => supertest.agent(server),
    };
  })();
  return instance;
}
