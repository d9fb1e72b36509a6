import { Writable } from 'node:stream';

/** Fields every line has, or that the short line shows its own way. */
const SKIPPED = new Set(['time', 'level', 'msg', 'app', 'pid', 'hostname', 'req', 'res', 'err']);

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/**
 * One short line for a pino JSON line, for a developer's terminal: time, level, and for a request
 * "GET /board 200 12ms"; other lines their message and a few fields. Production keeps JSON.
 */
export function shortLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toTimeString().slice(0, 8);
  const level = LEVELS[Number(entry.level)] ?? 'INFO ';
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (entry.msg === 'request completed' && req)
    return `${time} ${level} ${req.method} ${req.url} ${res?.statusCode ?? ''} ${entry.responseTime ?? '?'}ms`;
  const { msg, err } = entry;
  const rest = Object.entries(entry).filter(([k]) => !SKIPPED.has(k));
  const fields = rest.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
  const error =
    err && typeof err === 'object' ? `\n${String((err as { stack?: unknown }).stack ?? JSON.stringify(err))}` : '';
  return `${time} ${level} ${req?.url ? `${req.method} ${req.url} ` : ''}${String(msg ?? '')}${fields ? ` ${fields}` : ''}${error}`;
}

/** A destination for the logger that writes short lines (development). */
export function shortLines(out: NodeJS.WritableStream = process.stdout): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${shortLine(line)}\n`);
      done();
    },
  });
}

/** Requests nobody needs a line for: static files, health checks and metrics scrapes. */
export const quietRequest = (url: string | undefined) =>
  /^\/(public\/|healthz|readyz|metrics|favicon\.ico)/.test(url ?? '');
