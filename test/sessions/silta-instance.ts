import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { ROOT_DIR } from '../../server/paths';
import type { TestSilta } from '../helpers/test-app';

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export type Instance = { child: ChildProcess; url: string; port: number };

/**
 * `node --import tsx server/index.ts` (what `npm start` runs) on the test's database and secret,
 * without a development platform of its own; resolves once it listens.
 */
export async function startInstance(
  t: TestSilta,
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<Instance> {
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: t.env.databaseUrl,
      SECRET_KEY: t.env.secretKey,
      DEV_PLATFORM: 'false',
      LOG_LEVEL: 'silent',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance on ${port} did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Silta is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance on ${port} exited (${code}):\n${output}`));
    });
  });
  return { child, url, port };
}

/** Stops an instance: SIGKILL at once (a crash), or SIGTERM with SIGKILL after 10 s. */
export function stopInstance(instance: Instance, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
  const { child } = instance;
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
