/**
 * Admin accounts of the console (/admin), from the command line:
 *
 *   npm run admin:create                       asks for a username and a password (not echoed)
 *   npm run admin:create -- --username NAME --password-file FILE
 *   printf '%s' "$PASSWORD" | npm run admin:create -- --username NAME --password-stdin
 *
 * There is no default account. Bad input exits with status 2 and one line naming what is wrong,
 * before the database is opened; an existing username exits with status 1.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../server/domain/admin/password';
import { ConfigError, loadEnv } from '../server/env';
import { SiltaError } from '../server/errors';
import { runCli, withStore } from './cli';

class UsageError extends Error {}

const USAGE = 'usage: admin.ts create [--username NAME] [--password-file FILE | --password-stdin]';

const usernameSchema = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'may contain letters a-z, digits and . _ @ - only');

/** A password the console accepts: long enough, and not the username in disguise. */
function checkPassword(password: string, username: string): string {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw new UsageError('the password must be at most 1024 characters');
  if (password.toLowerCase().includes(username.trim().toLowerCase()))
    throw new UsageError('the password must not contain the username');
  if (new Set(password).size < 5) throw new UsageError('the password must not repeat a few characters');
  return password;
}

/** Asks one question; `hidden` keeps the answer off the terminal. */
function ask(question: string, hidden = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stdout.write('\n');
      resolve(answer);
    });
    muted = hidden;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The username and password from the flags, a file, stdin, or the terminal. */
async function credentials(args: string[]): Promise<{ username: string; password: string }> {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        username: { type: 'string' },
        'password-file': { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (values['password-file'] && values['password-stdin'])
    throw new UsageError('give --password-file or --password-stdin, not both');
  const interactive = !values['password-file'] && !values['password-stdin'];
  if (!interactive && !values.username)
    throw new UsageError('--username is required with --password-file or --password-stdin');
  if (interactive && !process.stdin.isTTY) throw new UsageError(`no terminal to ask the password on. ${USAGE}`);
  const rawName = values.username ?? (await ask('Username: '));
  const username = usernameSchema.safeParse(rawName);
  if (!username.success) throw new UsageError(`the username ${username.error.issues[0].message}`);
  let password: string;
  if (values['password-file']) {
    try {
      password = fs.readFileSync(values['password-file'], 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new UsageError(`cannot read --password-file ${values['password-file']}`);
    }
  } else if (values['password-stdin']) {
    password = (await readStdin()).replace(/\r?\n$/, '');
  } else {
    password = await ask(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `, true);
    checkPassword(password, username.data);
    if ((await ask('Password again: ', true)) !== password) throw new UsageError('the passwords differ');
  }
  return { username: username.data, password: checkPassword(password, username.data) };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'create') {
    console.error(command ? `Unknown command "${command}". ${USAGE}` : USAGE);
    return 2;
  }
  let env;
  let input;
  try {
    env = loadEnv();
    input = await credentials(args);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`admin create: ${error.message}`);
      return 2;
    }
    throw error;
  }
  // Loaded only now: bad input is refused without loading the app and its database drivers.
  const { createAdmin } = await import('../server/domain/admin/admin-auth.service.js');
  return withStore(env, async ({ sequelize }) => {
    try {
      const admin = await createAdmin({ sequelize, ...input });
      console.log(`Admin "${admin.username}" created. Log in at ${env.publicUrl}/admin`);
      return 0;
    } catch (error) {
      if (error instanceof SiltaError && error.code === 'admin_exists') {
        console.error(`admin create: an admin named "${input.username.toLowerCase()}" exists already`);
        return 1;
      }
      throw error;
    }
  });
}

runCli('admin', main);
