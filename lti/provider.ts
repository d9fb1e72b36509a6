import type { NextFunction, Request, Response } from 'express';
import type { LtijsDatabase, LtijsProvider } from 'ltijs';
import { parseDatabaseUrl, sequelizeOptions } from '../server/store/db';
import { keepMongooseUnloaded } from './without-mongoose';

let ready: Promise<LtijsProvider> | undefined;

/**
 * Sets up ltijs once per process, in serverless mode, storing its platforms, keys and access
 * tokens through ltijs-sequelize in Silta's own database. ltijs's express app only serves
 * `/lti/keys`; Silta handles login, launch and registration itself (docs/decisions/0002).
 * ltijs is imported here, on first use: loading it is about half of start-up's CPU (decision 0014),
 * and without mongoose, which it requires for a store Silta never uses (decision 0030).
 */
export function setupLtijs(secretKey: string, databaseUrl: string): Promise<LtijsProvider> {
  ready ??= (async () => {
    keepMongooseUnloaded();
    const [{ Provider: ltijs }, { default: LtijsSequelize }] = await Promise.all([
      import('ltijs'),
      import('ltijs-sequelize'),
    ]);
    const target = parseDatabaseUrl(databaseUrl);
    const plugin = new LtijsSequelize(target.database ?? '', target.username ?? '', target.password ?? '', {
      ...sequelizeOptions(target),
      pool: undefined,
    });
    ltijs.setup(
      secretKey,
      { plugin },
      {
        keysetRoute: '/keys',
        loginRoute: '/ltijs-login',
        appRoute: '/ltijs-app',
        dynRegRoute: '/ltijs-register',
        cors: false,
        cookies: { secure: true, sameSite: 'None' },
      },
    );
    // ltijs-sequelize's umzug prints its migration notes with console.info; Silta logs with pino.
    const info = console.info;
    console.info = () => undefined;
    try {
      await ltijs.deploy({ serverless: true, silent: true });
    } catch (error) {
      ready = undefined; // the next use tries again (the database may have been away)
      throw error;
    } finally {
      console.info = info;
    }
    return ltijs;
  })();
  return ready;
}

/**
 * ltijs as the rest of Silta sees it, without loading it: every call sets ltijs up on first use
 * (registering a platform, the first launch from a platform not in the registry's cache, signing a
 * deep-linking response, a service token, `/lti/keys`) and then goes to ltijs itself.
 */
export function lazyLtijs(secretKey: string, databaseUrl: string): LtijsProvider {
  const load = () => setupLtijs(secretKey, databaseUrl);
  const database =
    (name: keyof LtijsDatabase | 'Insert' | 'Modify') =>
    async (...args: unknown[]) => {
      const db = (await load()).Database as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return db[name](...args);
    };
  const app = (req: Request, res: Response, next: NextFunction) => {
    load().then((lti) => lti.app(req, res, next), next);
  };
  const lazy = {
    app,
    Database: {
      Get: database('Get'),
      Delete: database('Delete'),
      Close: database('Close'),
      Insert: database('Insert'),
      Modify: database('Modify'),
    },
    DeepLinking: {
      createDeepLinkingMessage: async (...args: Parameters<LtijsProvider['DeepLinking']['createDeepLinkingMessage']>) =>
        (await load()).DeepLinking.createDeepLinkingMessage(...args),
    },
    setup: () => {
      throw new Error('ltijs is set up by lazyLtijs');
    },
    deploy: async () => !!(await load()),
    // Nothing to close when ltijs was never loaded.
    close: async (options?: { silent: boolean }) => (ready ? (await ready).close(options) : true),
    registerPlatform: async (platform: Parameters<LtijsProvider['registerPlatform']>[0]) =>
      (await load()).registerPlatform(platform),
    getPlatform: async (url: string, clientId?: string) =>
      ((await load()).getPlatform as (u: string, c?: string) => Promise<unknown>)(url, clientId),
    getAllPlatforms: async () => (await load()).getAllPlatforms(),
    deletePlatform: async (url: string, clientId: string) => (await load()).deletePlatform(url, clientId),
  };
  return lazy as unknown as LtijsProvider;
}

/** Whether ltijs has been loaded in this process (start-up tests). */
export const ltijsLoaded = () => ready !== undefined;
