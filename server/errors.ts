import type { z } from 'zod';

/**
 * Domain errors know nothing of HTTP or sockets: each has a stable code, which is also the key of
 * its message in the locales (`errors.<code>`), and a kind that the transports map to a status.
 */
export type ErrorKind =
  'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'too_many' | 'unavailable';

export class SiltaError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    readonly detail?: string,
    /** Values for the message's placeholders. */
    readonly params: Record<string, string | number> = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** A rejected LTI message (login, launch, registration); the detail goes to the log, not the user. */
export class LtiError extends SiltaError {
  constructor(code: string, detail?: string, kind: ErrorKind = 'unauthorized') {
    super(code, kind, detail);
  }
}

export class ValidationError extends SiltaError {
  constructor(
    readonly fields: { path: string; message: string }[],
    /** The schema's own issues, when there was a schema: a form turns them into field messages. */
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super('validation_failed', 'bad_request', fields.map((f) => `${f.path}: ${f.message}`).join('; '));
  }
}

/** A schema's refusal as a ValidationError that keeps the issues. */
export const validationErrorOf = (issues: readonly z.core.$ZodIssue[]) =>
  new ValidationError(
    issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    issues,
  );

export const notFound = (what = 'not_found') => new SiltaError(what, 'not_found');
export const forbidden = (what = 'forbidden') => new SiltaError(what, 'forbidden');

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many: 429,
  unavailable: 503,
};

export function httpStatusOf(error: SiltaError): number {
  return STATUS[error.kind];
}
