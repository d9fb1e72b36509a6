/**
 * A user's personal data from the command line, without starting the HTTP server:
 *
 *   npm run user:export -- --issuer URL --sub ID            JSON of everything Silta holds, on stdout
 *   npm run user:erase -- --issuer URL --sub ID [--remove]  name, email and platform id erased;
 *                                                           posts kept under "deleted user" unless --remove
 *
 * The user is named as the platform knows them: its issuer and the LTI `sub` (Moodle's user id).
 * Bad input exits with status 2 and one line naming what is wrong, before the database is opened;
 * an unknown user exits with 1.
 */
import { parseArgs } from 'node:util';
import type { Sequelize } from 'sequelize';
import { platformUserSchema } from '../server/domain/privacy/privacy.schema';
import { ConfigError, loadEnv } from '../server/env';
import { SiltaError } from '../server/errors';
import { runCli, withStore } from './cli';

class UsageError extends Error {}

const USAGE = 'usage: user.ts export --issuer URL --sub ID | erase --issuer URL --sub ID [--remove]';

/** A command whose input is valid, waiting for the store. */
type Task = (sequelize: Sequelize) => Promise<string>;

function task(command: 'export' | 'erase', args: string[]): Task {
  let values: { issuer?: string; sub?: string; remove?: boolean };
  try {
    const options = {
      issuer: { type: 'string' as const },
      sub: { type: 'string' as const },
      remove: { type: 'boolean' as const },
    };
    ({ values } = parseArgs({ args, strict: true, options }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (command === 'export' && values.remove !== undefined) throw new UsageError('--remove belongs to erase');
  for (const name of ['issuer', 'sub'] as const)
    if (values[name] === undefined) throw new UsageError(`--${name} is required`);
  const parsed = platformUserSchema.safeParse({ issuer: values.issuer, sub: values.sub });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue.path[0])} ${issue.message}`);
  }
  const user = parsed.data;
  // Loaded only for valid input: the service pulls in the whole store.
  const service = () => import('../server/domain/privacy/privacy.service.js');
  if (command === 'export')
    return async (sequelize) => JSON.stringify(await (await service()).exportUser({ sequelize, user }), null, 2);
  return async (sequelize) => {
    const { eraseUser } = await service();
    const erased = await eraseUser({ sequelize, user, remove: values.remove ?? false });
    return erased.removed
      ? `User ${erased.userId} erased; their posts were deleted.`
      : `User ${erased.userId} erased; their posts are kept under "deleted user".`;
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'export' && command !== 'erase') {
    console.error(command ? `Unknown command "${command}". ${USAGE}` : USAGE);
    return 2;
  }
  let run: Task;
  let env;
  try {
    env = loadEnv();
    run = task(command, args);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`user ${command}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return withStore(env, async ({ sequelize }) => {
    try {
      console.log(await run(sequelize));
      return 0;
    } catch (error) {
      const reason =
        error instanceof SiltaError && error.code === 'user_not_found'
          ? 'no user with that issuer and sub'
          : error instanceof Error
            ? error.message
            : String(error);
      console.error(`user ${command} failed: ${reason}`);
      return 1;
    }
  });
}

runCli('user', main);
