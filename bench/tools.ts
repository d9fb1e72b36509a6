import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  compileForNode,
  freePort,
  nodeArgs,
  productionNodeFlags,
  ROOT,
  siltaCommand,
  startChild,
  waitForUrl,
  type Child,
} from './children';
import { benchDatabase, type BenchDatabase } from './databases';
import type { Persona } from '../lti/dev-platform/personas';
import { devPlatformLaunchToken, simLaunchToken } from './launch-tokens';
import { PlatformSim } from './platform-sim';
import { TRACE_PRELOAD } from './profile';
import { simTarget, siltaTarget, type Target } from './targets';

/** A tool under test, started and ready for launches; `database` is what it stores into (dropped by `stop()`). */
export type StartedTool = {
  target: Target;
  baseUrl: string;
  child: Child;
  traceDir: string;
  label: string;
  database: BenchDatabase;
  stop(): Promise<void>;
};

/** Silta started: a tool with launches that end on its pages. */
export type StartedSilta = StartedTool & {
  /** A resource-link launch of `persona` into a course; returns the launch token of the page it opened. */
  launchToken(persona: Persona['key'], courseId: string): Promise<string>;
};

/**
 * `env`: extra environment for Silta (bench:module raises its per-address rate limit).
 * `platformSim`: launch Silta from the benchmark's platform simulator (registered with
 * `platform:add`) instead of its own development platform. `postgres`: the PostgreSQL server
 * (from `postgresServer()`) to create each tool's fresh database on; SQLite files when undefined.
 */
export type StartOptions = {
  tmp: string;
  profile: boolean;
  verbose: boolean;
  command: 'auto' | 'tsx' | 'dist';
  env?: NodeJS.ProcessEnv;
  platformSim?: boolean;
  postgres?: string;
  /** Another checkout's compiled server (its dist/server/index.js) to run instead of this one's. */
  script?: string;
  /** Names the database apart when one run starts two Siltas (default `silta`). */
  name?: string;
};

/** The tracing preload for --profile: compiled when the child runs on plain node, so tsx does not change what is measured. */
async function tracePreload(options: StartOptions, plainNode: boolean): Promise<string | undefined> {
  if (!options.profile) return undefined;
  return plainNode ? compileForNode(TRACE_PRELOAD, options.tmp) : TRACE_PRELOAD;
}

/** Starts a platform simulator for the tool at `toolUrl` (its redirect URI). */
async function startSim(toolUrl: string): Promise<PlatformSim> {
  const sim = new PlatformSim(toolUrl);
  await sim.start();
  return sim;
}

/** Registers the simulator in Silta's database the way an admin would, with `platform:add`. */
async function registerSim(sim: PlatformSim, env: NodeJS.ProcessEnv): Promise<void> {
  const args = [
    '--import',
    'tsx',
    path.join(ROOT, 'scripts/platform.ts'),
    'add',
    '--issuer',
    sim.issuer,
    '--client-id',
    sim.clientId,
    '--auth-url',
    sim.authEndpoint,
    '--token-url',
    sim.tokenEndpoint,
    '--jwks-url',
    sim.jwksUrl,
    '--deployment-id',
    sim.deploymentId,
    '--name',
    'Bench platform',
  ];
  await promisify(execFile)(process.execPath, args, { cwd: ROOT, env, timeout: 90_000 });
}

/**
 * Silta on a free port with a fresh database (SQLite file or PostgreSQL database), NODE_ENV=development (so its development
 * platform is on), LOG_LEVEL=warn; ready once /readyz answers. With `platformSim`, the
 * simulator is registered first and launches come from it.
 */
export async function startSilta(options: StartOptions): Promise<StartedSilta> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const command = options.script
    ? {
        script: path.resolve(options.script),
        tsx: false,
        label: ['node', ...productionNodeFlags(), path.resolve(options.script)].join(' '),
        nodeFlags: productionNodeFlags(),
      }
    : siltaCommand(options.command);
  const traceDir = fs.mkdtempSync(path.join(options.tmp, 'silta-trace-'));
  const database = await benchDatabase(options.name ?? 'silta', options.tmp, options.postgres);
  const inherited = { ...process.env };
  for (const name of [
    'DEV_PLATFORM',
    'DEV_PLATFORM_URL',
    'REDIS_URL',
    'SECRET_KEY',
    'REGISTRATION_SECRET',
    'TRUST_PROXY',
  ])
    delete inherited[name];
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    BENCH_TRACE_DIR: traceDir,
    // Launched by a registered platform only, as in production: no development platform, which
    // would register itself through ltijs at start (decision 0030).
    ...(options.platformSim ? { DEV_PLATFORM: 'false' } : {}),
    ...options.env,
    DATABASE_URL: database.url,
  };
  const sim = options.platformSim ? await startSim(`${baseUrl}/lti/launch`) : undefined;
  if (sim) await registerSim(sim, env);
  console.error(
    `starting Silta: ${command.label} on port ${port}, ${database.label}${sim ? `, platform simulator at ${sim.issuer}` : ''}`,
  );
  const child = startChild(
    'silta',
    nodeArgs(command.script, {
      tsx: command.tsx,
      trace: await tracePreload(options, !command.tsx),
      nodeFlags: command.nodeFlags,
    }),
    env,
    options.verbose,
  );
  const stop = async () => {
    await child.stop();
    await sim?.stop();
    await database.drop();
  };
  try {
    await waitForUrl(`${baseUrl}/readyz`, child, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    target: sim ? simTarget('silta', `${baseUrl}/lti/login`, sim, 200) : siltaTarget(baseUrl),
    launchToken: (persona, courseId) =>
      sim
        ? simLaunchToken(sim, `${baseUrl}/lti/login`, persona, courseId)
        : devPlatformLaunchToken(baseUrl, persona, courseId),
    baseUrl,
    child,
    traceDir,
    label: command.label,
    database,
    stop,
  };
}

/**
 * The bare ltijs app (bench/bare-ltijs.ts) on a free port with its own fresh database (the same
 * kind as Silta's: SQLite file or PostgreSQL database), and
 * the platform simulator it is registered with; ready once it printed BENCH_READY. `plainNode`
 * runs it compiled, without tsx's loader, as Silta runs from dist/.
 */
export async function startLtijs(options: StartOptions, plainNode: boolean): Promise<StartedTool> {
  const port = await freePort();
  const sim = await startSim(`http://127.0.0.1:${port}/`);
  const traceDir = fs.mkdtempSync(path.join(options.tmp, 'ltijs-trace-'));
  const database = await benchDatabase('ltijs', options.tmp, options.postgres);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    BENCH_PORT: String(port),
    BENCH_DATABASE_URL: database.url,
    BENCH_PLATFORM: JSON.stringify({
      issuer: sim.issuer,
      clientId: sim.clientId,
      authEndpoint: sim.authEndpoint,
      tokenEndpoint: sim.tokenEndpoint,
      jwksUrl: sim.jwksUrl,
    }),
    BENCH_TRACE_DIR: traceDir,
  };
  // Run the same way as Silta: compiled JavaScript on plain node when Silta runs from dist/.
  let script = path.join(__dirname, 'bare-ltijs.ts');
  if (plainNode) {
    script = await compileForNode(script, options.tmp);
    env.NODE_PATH = path.join(ROOT, 'node_modules');
  }
  const label = plainNode
    ? 'node bare-ltijs.js (bench/bare-ltijs.ts compiled with esbuild)'
    : 'node --import tsx bench/bare-ltijs.ts';
  console.error(
    `starting bare ltijs: ${label} on port ${port}, ${database.label}, platform simulator at ${sim.issuer}`,
  );
  const child = startChild(
    'ltijs',
    nodeArgs(script, { tsx: !plainNode, trace: await tracePreload(options, plainNode) }),
    env,
    options.verbose,
  );
  const stop = async () => {
    await child.stop();
    await sim.stop();
    await database.drop();
    if (options.verbose) console.error(`platform simulator served its JWKS ${sim.jwksFetches} times`);
  };
  try {
    await child.waitForLine(/BENCH_READY/, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    target: simTarget('bare ltijs', `http://127.0.0.1:${port}/login`, sim, 302),
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    traceDir,
    label,
    database,
    stop,
  };
}
