import { z } from 'zod';
import { SiltaError, ValidationError } from '../errors';
import { translator, type Language } from '../i18n';
import type { Logger } from '../logger';
import type { Ack, AckError } from './events';

/**
 * The one place errors become socket acknowledgements, mirroring the HTTP error handler: a
 * SiltaError keeps its code and gets its message in the user's language; anything else is
 * `internal` with a log line, never a stack trace.
 */
export function ackError(error: unknown, language: Language, logger: Logger): AckError {
  const known = error instanceof SiltaError ? error : undefined;
  const code = known?.code ?? 'internal';
  if (known) logger.info({ code, detail: known.detail }, 'socket command rejected');
  else logger.error({ err: error }, 'socket command failed');
  return { code, message: translator(language)(`errors.${code}`, known?.params ?? {}) };
}

/** Shorthand for an error acknowledgement. */
export function errorAck(error: unknown, language: Language, logger: Logger): Ack<never> {
  return { error: ackError(error, language, logger) };
}

/** Validates a socket payload with zod; a bad one is a ValidationError naming the fields. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return parsed.data;
}
