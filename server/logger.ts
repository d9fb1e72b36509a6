import pino from 'pino';

/** Creates the process logger. Logs carry ids, never names or emails. */
export function createLogger(level: string) {
  return pino({ level, base: { app: 'silta' }, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}

export type Logger = ReturnType<typeof createLogger>;
