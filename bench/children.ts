import { spawn, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dropBenchDatabases } from './databases';

export const ROOT = path.resolve(__dirname, '..');

const children = new Set<ChildProcess>();

/** Kills every child still running; called on exit, on signals and on errors. */
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

process.on('exit', killChildren);

/** Kills the children, drops the PostgreSQL databases the run created (a few seconds at most) and exits. */
function cleanUpAndExit(code: number): void {
  killChildren();
  const limit = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  void Promise.race([dropBenchDatabases(), limit]).finally(() => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => cleanUpAndExit(130));

/** A free loopback port (the kernel picks it; it is released just before the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type Child = {
  process: ChildProcess;
  /** The last lines the child printed, shown when it fails. */
  output(): string;
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(graceMs?: number): Promise<void>;
};

/** Starts a child process with piped output; it is killed when the benchmark exits. */
export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, echo: boolean): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      if (echo) console.error(`[${name}] ${line}`);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => lines.join('\n'),
    waitForLine(pattern, timeoutMs) {
      if (lines.some((l) => pattern.test(l))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        child.once('exit', (code) =>
          reject(new Error(`${name} exited (${code}) before it was ready:\n${lines.join('\n')}`)),
        );
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a URL until it answers 200. */
export async function waitForUrl(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null)
      throw new Error(`child exited (${child.process.exitCode}) before ${url} answered:\n${child.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.text();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.output()}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts'))
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The Node options `npm start` runs Silta with (its heap limit, decision 0038): benchmarks run Silta the same way. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const start = /^node ((?:--\S+ )*)dist\/server\/index\.js$/.exec(pkg.scripts.start);
  if (!start) throw new Error(`npm start is not "node [options] dist/server/index.js": ${pkg.scripts.start}`);
  return start[1].split(' ').filter(Boolean);
}

/**
 * How to run Silta: the compiled `dist/server/index.js` when it exists and is newer than every
 * source file (or with --dist), otherwise the TypeScript sources through tsx's loader (in one process, so the
 * benchmark knows its pid and --cpu-prof applies to the server itself); either with `npm start`'s Node options.
 */
export function siltaCommand(choice: 'auto' | 'tsx' | 'dist'): {
  script: string;
  tsx: boolean;
  label: string;
  nodeFlags: string[];
} {
  const nodeFlags = productionNodeFlags();
  const node = ['node', ...nodeFlags].join(' ');
  const compiled = path.join(ROOT, 'dist', 'server', 'index.js');
  if (choice === 'dist' && !fs.existsSync(compiled))
    throw new Error('--dist: dist/server/index.js is missing (npm run build)');
  if (choice !== 'tsx' && fs.existsSync(compiled)) {
    const built = fs.statSync(compiled).mtimeMs;
    if (
      choice === 'dist' ||
      built >= Math.max(newestMtime(path.join(ROOT, 'server')), newestMtime(path.join(ROOT, 'lti')))
    )
      return { script: compiled, tsx: false, label: `${node} dist/server/index.js`, nodeFlags };
    console.error(
      'dist/ is older than the sources: running the sources through tsx (npm run build, or --dist to use it anyway)',
    );
  }
  return {
    script: path.join(ROOT, 'server', 'index.ts'),
    tsx: true,
    label: `${node} --import tsx server/index.ts`,
    nodeFlags,
  };
}

/**
 * Node arguments for a child: tsx's loader when it runs TypeScript, and the tracing preload
 * with --profile (compiled JavaScript is required as is; TypeScript needs tsx's loader).
 */
export function nodeArgs(script: string, options: { tsx: boolean; trace?: string; nodeFlags?: string[] }): string[] {
  const traceTs = options.trace?.endsWith('.ts');
  const preload = options.trace ? (traceTs ? ['--import', options.trace] : ['--require', options.trace]) : [];
  return [...(options.nodeFlags ?? []), ...(options.tsx || traceTs ? ['--import', 'tsx'] : []), ...preload, script];
}

/** Compiles one bench TypeScript file to CommonJS in `dir`, for children that run on plain node. */
export async function compileForNode(file: string, dir: string): Promise<string> {
  const outfile = path.join(dir, path.basename(file).replace(/\.ts$/, '.js'));
  await build({ entryPoints: [file], outfile, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is
 * no /proc. On a shared machine this is steadier than wall-clock figures. With `mainThread`, only
 * its main thread's (where node runs JavaScript; SQLite's statements and crypto run on libuv's
 * threads, the garbage collector partly on its own).
 */
export function cpuMs(pid: number | undefined, mainThread = false): number | undefined {
  try {
    const stat = mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
    const fields = fs.readFileSync(stat, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time every process on the machine has used so far (all cores, from /proc/stat), in ms:
 * over a timed run on an otherwise idle machine, the tool's server, the benchmark and the
 * database server together. Undefined where /proc/stat is not readable.
 */
export function machineBusyMs(): number | undefined {
  try {
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
    const busy = ticks.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + Number(value)), 0);
    return busy * 10;
  } catch {
    return undefined;
  }
}

/**
 * A temporary folder removed at exit, and a watchdog that stops the benchmark (and its children)
 * after `limitMs` whatever happens, so a run is always bounded in time.
 */
export function boundedRun(prefix: string, limitMs: number): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const watchdog = setTimeout(() => {
    console.error('bench: overall time limit reached, stopping');
    cleanUpAndExit(1);
  }, limitMs);
  watchdog.unref();
  return tmp;
}

/** Runs a benchmark's main function and exits: 0 when it ran, 1 (children killed) when it could not; its PostgreSQL databases are dropped either way. */
export function runBench(main: () => Promise<void>): void {
  main()
    .then(() => cleanUpAndExit(0))
    .catch((error: unknown) => {
      console.error('bench failed:', error instanceof Error ? error.message : error);
      cleanUpAndExit(1);
    });
}
