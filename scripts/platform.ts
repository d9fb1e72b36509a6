/**
 * Platform administration from the command line, without starting the HTTP server:
 *
 *   npm run platform:invite -- [--hours N]
 *   npm run platform:add -- --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL --deployment-id ID [--deployment-id ID ...] [--name NAME]
 *   npm run platform:list
 *
 * Bad input exits with status 2 and one line naming what is wrong, before the database is opened.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createInvite, MAX_INVITE_HOURS } from '../lti/registration';
import type { PlatformRegistry } from '../lti/platforms';
import { ConfigError, loadEnv, type Env } from '../server/env';
import { runCli, withStore } from './cli';

class UsageError extends Error {}

/** A command whose input is valid, waiting for the store: bad input never opens the database. */
type Task = (registry: PlatformRegistry) => Promise<string>;

const USAGE =
  'usage: platform.ts invite [--hours N] | add --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL --deployment-id ID [--deployment-id ID ...] [--name NAME] | list';

const webUrl = (allowHttp: boolean) =>
  z
    .string({ message: 'is required' })
    .max(2048, 'is too long')
    .refine(
      (value) =>
        URL.canParse(value) &&
        (new URL(value).protocol === 'https:' || (allowHttp && new URL(value).protocol === 'http:')),
      allowHttp ? 'must be an http(s) URL' : 'must be an https URL',
    );

const addSchema = (allowHttp: boolean) =>
  z.object({
    issuer: webUrl(allowHttp),
    'client-id': z.string({ message: 'is required' }).trim().min(1, 'must not be empty').max(255, 'is too long'),
    'auth-url': webUrl(allowHttp),
    'token-url': webUrl(allowHttp),
    'jwks-url': webUrl(allowHttp),
    'deployment-id': z
      .array(z.string().trim().min(1, 'must not be empty').max(255, 'is too long'), { message: 'is required' })
      .min(1, 'is required'),
    name: z.string().trim().min(1, 'must not be empty').max(255, 'is too long').optional(),
  });

/** Runs a parseArgs call; unknown flags and missing values become usage errors. */
function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

function invite(args: string[], env: Env): Task {
  const { values } = parsing(() => parseArgs({ args, strict: true, options: { hours: { type: 'string' } } }));
  const hours = z.coerce
    .number({ message: 'must be a number' })
    .positive('must be more than 0')
    .max(MAX_INVITE_HOURS, `must be at most ${MAX_INVITE_HOURS}`)
    .safeParse(values.hours ?? 24);
  if (!hours.success) throw new UsageError(`--hours ${hours.error.issues[0].message} (got "${values.hours}")`);
  return async () => {
    const created = await createInvite(env.publicUrl, hours.data);
    return [
      'One-time registration URL (paste it into Moodle: Site administration > Plugins > Activity modules > External tool > Manage tools > Tool URL, then "Add LTI Advantage"):',
      '',
      `  ${created.url}`,
      '',
      `It works once and expires at ${created.expiresAt.toISOString()}.`,
    ].join('\n');
  };
}

function add(args: string[], env: Env): Task {
  const { values } = parsing(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        issuer: { type: 'string' },
        'client-id': { type: 'string' },
        'auth-url': { type: 'string' },
        'token-url': { type: 'string' },
        'jwks-url': { type: 'string' },
        'deployment-id': { type: 'string', multiple: true },
        name: { type: 'string' },
      },
    }),
  );
  const parsed = addSchema(env.nodeEnv !== 'production').safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue.path[0])} ${issue.message}`);
  }
  const input = parsed.data;
  return async (registry) => {
    const stored = await registry.register({
      issuer: input.issuer,
      clientId: input['client-id'],
      name: input.name ?? new URL(input.issuer).host,
      authEndpoint: input['auth-url'],
      tokenEndpoint: input['token-url'],
      jwksUrl: input['jwks-url'],
      deploymentIds: [...new Set(input['deployment-id'])],
      registeredBy: 'manual',
    });
    const deployments =
      (await registry.list()).find((p) => p.issuer === stored.issuer && p.clientId === stored.clientId)
        ?.deploymentIds ?? [];
    return [
      'Platform registered:',
      `  name:           ${stored.name}`,
      `  issuer:         ${stored.issuer}`,
      `  client id:      ${stored.clientId}`,
      `  deployment ids: ${deployments.join(', ')}`,
      `  auth URL:       ${stored.authEndpoint}`,
      `  token URL:      ${stored.tokenEndpoint}`,
      `  JWKS URL:       ${stored.jwksUrl}`,
      '',
      'Enter these in the tool settings on the platform:',
      `  Tool URL / redirection URI: ${env.publicUrl}/lti/launch`,
      `  Initiate login URL:         ${env.publicUrl}/lti/login`,
      `  Public keyset URL:          ${env.publicUrl}/lti/keys`,
    ].join('\n');
  };
}

function list(args: string[]): Task {
  parsing(() => parseArgs({ args, strict: true, options: {} }));
  return async (registry) => {
    const platforms = await registry.list();
    if (!platforms.length) return 'No platforms registered.';
    const rows = [
      ['NAME', 'ISSUER', 'CLIENT ID', 'DEPLOYMENT IDS', 'REGISTERED BY'],
      ...platforms.map((p) => [p.name, p.issuer, p.clientId, p.deploymentIds.join(',') || '-', p.registeredBy]),
    ];
    const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
    return rows
      .map((row) =>
        row
          .map((cell, col) => cell.padEnd(widths[col]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'invite' && command !== 'add' && command !== 'list') {
    console.error(command ? `Unknown command "${command}". ${USAGE}` : USAGE);
    return 2;
  }
  let env: Env;
  let task: Task;
  try {
    env = loadEnv();
    task = command === 'invite' ? invite(args, env) : command === 'add' ? add(args, env) : list(args);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`platform ${command}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return withStore(env, async ({ registry }) => {
    try {
      console.log(await task(registry));
      return 0;
    } catch (error) {
      console.error(`platform ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  });
}

runCli('platform', main);
