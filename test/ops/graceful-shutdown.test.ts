import assert from 'node:assert/strict';
import supertest from 'supertest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Sequelize } from 'sequelize';
import { healthRoutes } from '../../server/http/routes/health.routes';
import { createLogger } from '../../server/logger';
import { closeConnectionsWhenDraining, createLifecycle } from '../../server/ops/lifecycle';
import { gracefulShutdown, type ShutdownParts } from '../../server/ops/shutdown';

/** A server with /readyz and a `/slow` request that finishes only when the test lets it. */
async function serverWithSlowRequest() {
  const lifecycle = createLifecycle();
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let slowStarted!: () => void;
  const started = new Promise<void>((resolve) => (slowStarted = resolve));
  const app = express();
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.use(healthRoutes(sequelize, lifecycle));
  app.get('/slow', async (_req, res) => {
    slowStarted();
    await gate;
    res.json({ finished: true });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { lifecycle, sequelize, app, server, port, release, started };
}

function get(port: number, path: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  const logger = createLogger('silent');

  it('drains: /readyz 503 at once, no new connections, the request in flight finishes, then the store closes', async () => {
    const s = await serverWithSlowRequest();
    const steps: string[] = [];
    const parts: ShutdownParts = {
      server: s.server,
      lifecycle: s.lifecycle,
      logger,
      timeoutMs: 30_000,
      closeSockets: async () => void steps.push('sockets'),
      stopWorker: async () => void steps.push('worker'),
      closeStore: async () => {
        steps.push('store');
        await s.sequelize.close();
      },
    };
    const inFlight = get(s.port, '/slow');
    await s.started;
    const shutdown = gracefulShutdown(parts);
    const done = shutdown('SIGTERM');
    assert.equal(shutdown('SIGTERM'), done, 'a second signal joins the same shutdown');

    const ready = await supertest(s.app).get('/readyz').expect(503);
    assert.deepEqual(ready.body, { status: 'draining' });
    await assert.rejects(get(s.port, '/readyz'), /ECONNREFUSED/, 'no new connections');
    assert.deepEqual(steps, ['sockets', 'worker'], 'the store stays open while a request is in flight');

    s.release();
    const finished = await inFlight;
    assert.deepEqual([finished.status, JSON.parse(finished.body)], [200, { finished: true }]);
    assert.equal(finished.connection, 'close', 'the client is told not to reuse the connection');
    assert.equal(await done, 'clean');
    assert.deepEqual(steps, ['sockets', 'worker', 'store']);
  });

  it('gives up after the timeout: open connections are cut and the outcome is `forced`', async () => {
    const s = await serverWithSlowRequest();
    const inFlight = get(s.port, '/slow').then(
      () => 'answered',
      () => 'cut',
    );
    await s.started;
    const outcome = await gracefulShutdown({
      server: s.server,
      lifecycle: s.lifecycle,
      logger,
      timeoutMs: 200,
      closeSockets: async () => undefined,
      stopWorker: async () => undefined,
      closeStore: async () => undefined,
    })('SIGTERM');
    assert.equal(outcome, 'forced');
    assert.equal(await inFlight, 'cut');
    s.release();
    await s.sequelize.close();
  });

  it('reports `failed` when a step throws', async () => {
    const s = await serverWithSlowRequest();
    const outcome = await gracefulShutdown({
      server: s.server,
      lifecycle: s.lifecycle,
      logger,
      timeoutMs: 30_000,
      closeSockets: async () => undefined,
      stopWorker: async () => {
        throw new Error('worker would not stop');
      },
      closeStore: async () => undefined,
    })('SIGINT');
    assert.equal(outcome, 'failed');
    await s.sequelize.close();
  });
});
