import type http from 'node:http';
import type { Express } from 'express';
import type { LtijsProvider } from 'ltijs';
import type { Sequelize } from 'sequelize';
import { DevPlatform } from '../lti/dev-platform/dev-platform';
import { PlatformRegistry } from '../lti/platforms';
import { lazyLtijs } from '../lti/provider';
import { ServiceClient } from '../lti/service-client';
import { createApp } from './app';
import { BoardEventHub } from './domain/board/board-events';
import { GradeWorker, type GradeWorkerOptions } from './domain/grades/grade-worker';
import { bridgeGradesDueToRedis } from './domain/grades/grade-wake';
import { CONTENT_MODULES_DIR, shippedPacks, type ModulePack } from './domain/modules/content-pack';
import { shippedPackVersions } from './domain/modules/shipped-versions';
import { ModuleLibrary } from './domain/modules/versions/module-library';
import { importShippedPacks } from './domain/modules/versions/module-versions.service';
import path from 'node:path';
import { loadSessionTemplates } from './domain/sessions/session-template';
import type { Env } from './env';
import type { Logger } from './logger';
import { attachRealtime, type Realtime } from './sockets/io';
import { openDatabase } from './store/db';
import { migrate } from './store/migrate';
import { defineModels } from './store/models';
import { createLifecycle, type Lifecycle } from './ops/lifecycle';
import { startOperations, watchSockets } from './ops/operations';
import { purgeExpiredSessions } from './domain/launches/launch.service';
import { seedDemo } from './domain/demo/demo';
import { analyserStatus } from './domain/board/search/analyser';
import { reindexPractices } from './domain/board/search/practice-index';

export type Silta = {
  app: Express;
  sequelize: Sequelize;
  lti: LtijsProvider;
  registry: PlatformRegistry;
  devPlatform?: DevPlatform;
  /** The packs shipped in content/modules, loaded on first use (the database holds what is served). */
  readonly packs: ReadonlyMap<string, ModulePack>;
  /** The published modules in the database: what trainees get. */
  modules: ModuleLibrary;
  /** Calls the platforms' AGS and NRPS services (one token cache for the process). */
  serviceClient: ServiceClient;
  /** Sends the grade outbox; running unless `startGradeWorker` was false. */
  gradeWorker: GradeWorker;
  /** Draining once a shutdown began (`/readyz` answers 503). */
  lifecycle: Lifecycle;
  /**
   * Attaches Socket.IO (and the Redis adapter when REDIS_URL is set) to the http server whose
   * request listener is already `app`. Call once; `close()` closes it.
   */
  attach(server: http.Server): Promise<Realtime>;
  /** Socket.IO once `attach` was called. */
  realtime?: Realtime;
  close(): Promise<void>;
};

export type BootOptions = {
  /**
   * Start the grade outbox worker once the app is built. Default: true, except with
   * NODE_ENV=test, where tests run their own worker (`silta.gradeWorker.start()` or a GradeWorker).
   */
  startGradeWorker?: boolean;
  /** Worker settings other than the defaults (polling, backoff, lease, scope). */
  gradeWorker?: Partial<Omit<GradeWorkerOptions, 'client' | 'logger'>>;
  /** Time allowed for each call to a platform service; ServiceClient's default otherwise. */
  serviceTimeoutMs?: number;
};

/** Opens the store (migrating it), sets up ltijs and the development platform, builds the app. */
export async function bootSilta(env: Env, logger: Logger, options: BootOptions = {}): Promise<Silta> {
  // Outside production a broken shipped pack stops start-up here, naming the file and line, for
  // the people writing them. Production reads only each pack's declared version (CI validated the
  // packs; parsing them all costs ~0.7 s of CPU at every start) and validates a pack when it is
  // newer than the database's, as it publishes it.
  const versions =
    env.nodeEnv === 'production'
      ? shippedPackVersions(CONTENT_MODULES_DIR)
      : new Map([...shippedPacks()].map(([slug, pack]) => [slug, pack.version]));
  // A broken session template stops start-up too, naming the file and the problem.
  const sessionTemplates = loadSessionTemplates();
  const { sequelize, lti, registry } = await openStore(env, logger);
  // The shipped packs become version 1 on first start; a newer shipped version is published.
  const imported = await importShippedPacks(sequelize, versions, (slug) => path.join(CONTENT_MODULES_DIR, slug));
  if (imported.length) logger.info({ imported }, 'shipped modules published');
  const modules = new ModuleLibrary();
  let devPlatform: DevPlatform | undefined;
  if (env.devPlatform) {
    devPlatform = new DevPlatform(env.devPlatformUrl, env.publicUrl);
    await devPlatform.init();
    await devPlatform.register(registry);
    if (env.demoData) {
      const seeded = await seedDemo({ sequelize, devPlatform, packs: shippedPacks() });
      if (seeded.practices + seeded.adoptions + seeded.comments)
        logger.info(seeded, 'demo data seeded on the development platform');
    }
  }
  const serviceClient = new ServiceClient({ registry, lti, timeoutMs: options.serviceTimeoutMs });
  const gradeWorker = new GradeWorker({
    prepare: () => lti.deploy({ serverless: true, silent: true }),
    ...options.gradeWorker,
    client: serviceClient,
    logger: logger.child({ component: 'grade-worker' }),
  });
  const lifecycle = createLifecycle();
  // The board's services publish here; the realtime layer, attached later, broadcasts.
  const boardEvents = new BoardEventHub((err, event) =>
    logger.error({ err, event: event.type }, 'board event listener failed'),
  );
  const app = createApp({
    env,
    sequelize,
    lti,
    registry,
    logger,
    devPlatform,
    modules,
    serviceClient,
    onGradesRequeued: () => gradeWorker.wake(),
    lifecycle,
    boardEvents,
    sessionTemplates,
  });
  const operations = startOperations({ env, sequelize, logger });
  const purge = setInterval(
    () => purgeExpiredSessions().catch((err) => logger.warn({ err }, 'purging launch sessions failed')),
    10 * 60_000,
  );
  purge.unref();
  const startWorker = options.startGradeWorker ?? env.nodeEnv !== 'test';
  // Other instances hear of queued grades and recoveries at once through Redis; without it, at their next poll.
  const gradeBridge =
    startWorker && env.redisUrl
      ? await bridgeGradesDueToRedis(env.redisUrl, logger.child({ component: 'grade-worker' }))
      : undefined;
  // ltijs signs the service tokens: the worker loads it before the first round with a row to send
  // (holding no claims, so its tables are made outside the worker's writes), not at start, and an
  // instance that never sends a grade never loads it (decision 0030).
  if (startWorker) gradeWorker.start();
  const silta: Silta = {
    app,
    sequelize,
    lti,
    registry,
    devPlatform,
    get packs() {
      return shippedPacks();
    },
    modules,
    serviceClient,
    gradeWorker,
    lifecycle,
    async attach(server) {
      silta.realtime = await attachRealtime(server, { env, sequelize, logger, boardEvents });
      watchSockets(silta.realtime);
      return silta.realtime;
    },
    async close() {
      clearInterval(purge);
      operations.stop();
      await silta.realtime?.close();
      // The batch in hand is recorded before the database closes.
      await gradeWorker.stop();
      await gradeBridge?.close();
      await sequelize.close();
    },
  };
  return silta;
}

/** The store alone (database, migrations, ltijs, platform registry), for the CLI scripts too. */
export async function openStore(env: Env, logger: Logger) {
  const sequelize = await openDatabase(env.databaseUrl);
  const applied = await migrate(sequelize);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const search = analyserStatus();
  if (search.finnish === 'voikko') logger.info('board search: Finnish lemmas by Voikko');
  else
    logger.warn(
      { reason: search.reason },
      'board search: Voikko is not available, Finnish falls back to Snowball stems (install libvoikko1 and voikko-fi)',
    );
  // Practices indexed by another analyser (Voikko installed or removed since) are indexed again.
  const reindexed = await reindexPractices(sequelize);
  if (reindexed) logger.info({ reindexed }, 'board search: practices re-indexed');
  defineModels(sequelize);
  // ltijs loads on first use, not at start (decision 0014).
  const lti = lazyLtijs(env.secretKey, env.databaseUrl);
  return { sequelize, lti, registry: new PlatformRegistry(lti) };
}
