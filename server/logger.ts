import pino from 'pino';

/**
 * Fields that can carry personal data or secrets. Database errors carry the statement and its
 * bound values (names, emails), PostgreSQL's `detail` repeats a duplicate value: those never
 * reach the log, the error's message and code do.
 */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'err.sql',
  'err.parameters',
  'err.original.sql',
  'err.original.parameters',
  'err.parent.sql',
  'err.parent.parameters',
  'err.fields',
  'err.errors[*].value',
  'err.errors[*].instance',
  'err.detail',
  'err.original.detail',
  'err.parent.detail',
];

/** Creates the process logger (to stdout unless another destination is given). Logs carry ids, never names or emails. */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino({ level, base: { app: 'silta' }, redact: REDACTED }, destination);
}

export type Logger = ReturnType<typeof createLogger>;
