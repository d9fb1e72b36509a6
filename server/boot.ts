import type { Express } from 'express';
import type { LtijsProvider } from 'ltijs';
import type { Sequelize } from 'sequelize';
import { DevPlatform } from '../lti/dev-platform/dev-platform';
import { purgeExpiredStates } from '../lti/launch';
import { PlatformRegistry } from '../lti/platforms';
import { setupLtijs } from '../lti/provider';
import { createApp } from './app';
import { loadContentPacks, type ModulePack } from './domain/modules/content-pack';
import type { Env } from './env';
import type { Logger } from './logger';
import { openDatabase } from './store/db';
import { migrate } from './store/migrate';
import { defineModels } from './store/models';

export type Silta = {
  app: Express;
  sequelize: Sequelize;
  lti: LtijsProvider;
  registry: PlatformRegistry;
  devPlatform?: DevPlatform;
  packs: ReadonlyMap<string, ModulePack>;
  close(): Promise<void>;
};

/** Opens the store (migrating it), sets up ltijs and the development platform, builds the app. */
export async function bootSilta(env: Env, logger: Logger): Promise<Silta> {
  // A broken content pack stops start-up here, naming the file and line.
  const packs = loadContentPacks();
  const { sequelize, lti, registry } = await openStore(env, logger);
  let devPlatform: DevPlatform | undefined;
  if (env.devPlatform) {
    devPlatform = new DevPlatform(env.devPlatformUrl, env.publicUrl);
    await devPlatform.init();
    await devPlatform.register(registry);
  }
  const app = createApp({ env, sequelize, lti, registry, logger, devPlatform, packs });
  const purge = setInterval(() => purgeExpiredStates().catch((err) => logger.warn({ err }, 'purging login states failed')), 10 * 60_000);
  purge.unref();
  return {
    app,
    sequelize,
    lti,
    registry,
    devPlatform,
    packs,
    async close() {
      clearInterval(purge);
      await sequelize.close();
    },
  };
}

/** The store alone (database, migrations, ltijs, platform registry), for the CLI scripts too. */
export async function openStore(env: Env, logger: Logger) {
  const sequelize = await openDatabase(env.databaseUrl);
  const applied = await migrate(sequelize);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  defineModels(sequelize);
  const lti = await setupLtijs(env.secretKey, env.databaseUrl);
  return { sequelize, lti, registry: new PlatformRegistry(lti) };
}
