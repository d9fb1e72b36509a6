/**
 * What the command-line tools (platform, user, admin) share: opening the store around a piece of
 * work, and running `main` to an exit code.
 */
import type { Env } from '../server/env';
import type { openStore } from '../server/boot';

type Store = Awaited<ReturnType<typeof openStore>>;

/**
 * Opens the store (migrating it), runs `work` and closes the database. The app is loaded only
 * here, so input refused earlier never loads the app or its database drivers; migration notes go
 * to a quiet logger, as the output is for the admin.
 */
export async function withStore<T>(env: Env, work: (store: Store) => Promise<T>): Promise<T> {
  const [{ openStore: open }, { createLogger }] = await Promise.all([
    import('../server/boot.js'),
    import('../server/logger.js'),
  ]);
  const store = await open(env, createLogger('warn'));
  try {
    return await work(store);
  } finally {
    await store.sequelize.close();
  }
}

/** Runs a tool's `main` with the command-line arguments and exits with its code (ltijs-sequelize keeps a timer and a connection open). */
export function runCli(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
