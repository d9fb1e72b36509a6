import { Provider as ltijs, type LtijsProvider } from 'ltijs';
import LtijsSequelize from 'ltijs-sequelize';
import { parseDatabaseUrl, sequelizeOptions } from '../server/store/db';

let ready: Promise<LtijsProvider> | undefined;

/**
 * Sets up ltijs once per process, in serverless mode, storing its platforms, keys and access
 * tokens through ltijs-sequelize in Silta's own database. ltijs's express app only serves
 * `/lti/keys`; Silta handles login, launch and registration itself (docs/decisions/0002).
 */
export function setupLtijs(secretKey: string, databaseUrl: string): Promise<LtijsProvider> {
  ready ??= (async () => {
    const target = parseDatabaseUrl(databaseUrl);
    const plugin = new LtijsSequelize(target.database ?? '', target.username ?? '', target.password ?? '', { ...sequelizeOptions(target), pool: undefined });
    ltijs.setup(secretKey, { plugin }, { keysetRoute: '/keys', loginRoute: '/ltijs-login', appRoute: '/ltijs-app', dynRegRoute: '/ltijs-register', cors: false, cookies: { secure: true, sameSite: 'None' } });
    // ltijs-sequelize's umzug prints its migration notes with console.info; Silta logs with pino.
    const info = console.info;
    console.info = () => undefined;
    try {
      await ltijs.deploy({ serverless: true, silent: true });
    } finally {
      console.info = info;
    }
    return ltijs;
  })();
  return ready;
}
