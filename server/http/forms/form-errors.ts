import type { Request } from 'express';
import type { TFunction } from 'i18next';
import type { z } from 'zod';

/** How one field of a form is named on the page: its element id and its label (already translated). */
export type FieldSpec = {
  id: string;
  label: string;
  /** A message key (`forms.*`) used for every problem with this field, when one fits better than the generic ones. */
  message?: string;
  /** Values for that message's placeholders besides `field`. */
  params?: Record<string, string | number>;
};

/** What a form view needs to show its errors: the summary's links and a message per field name. */
export type FormErrors = {
  summary: { href: string; text: string }[];
  fields: Record<string, string>;
};

type Issue = z.core.$ZodIssue;

/** The message for one issue, saying what is wrong and how to fix it (GOV.UK error message pattern). */
function messageOf(issue: Issue, spec: FieldSpec, t: TFunction): string {
  const field = spec.label;
  // A field's own message is about what it holds; a text or list over its limit says the limit.
  const overLimit = issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array');
  if (spec.message && !overLimit) return t(spec.message, { ...spec.params, field });
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('forms.required', { field });
      if (issue.origin === 'number') return t('forms.number_min', { field, min: Number(issue.minimum) });
      return t('forms.too_short', { field, min: Number(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'number') return t('forms.number_max', { field, max: Number(issue.maximum) });
      if (issue.origin === 'array') return t('forms.too_many', { field, max: Number(issue.maximum) });
      return t('forms.too_long', { field, max: Number(issue.maximum) });
    case 'invalid_type':
      if (issue.expected === 'number' || issue.expected === 'int') return t('forms.number', { field });
      return t('forms.required', { field });
    case 'invalid_value':
      return t('forms.choose', { field });
    case 'invalid_format':
      if (issue.format === 'url') return t('forms.url', { field });
      if (
        issue.format === 'regex' &&
        /\\0|\\x00|\\u0000|\\p\{Cc\}/.test(String((issue as { pattern?: unknown }).pattern ?? ''))
      )
        return t('forms.control_characters', { field });
      return t('forms.invalid', { field });
    default:
      return t('forms.invalid', { field });
  }
}

/**
 * Turns a schema's issues into the error summary and the field messages, in the order of the
 * form's fields. Issues of fields the form does not show (a hidden token, an unknown field) go
 * to the summary under a general message, so nothing is refused silently.
 */
export function formErrorsOf(issues: readonly Issue[], fields: Record<string, FieldSpec>, t: TFunction): FormErrors {
  const byField: Record<string, string> = {};
  let other: string | undefined;
  for (const issue of issues) {
    const name = String(issue.path[0] ?? '');
    const spec = fields[name];
    if (!spec) {
      other ??= t('forms.unknown_problem');
      continue;
    }
    byField[name] ??= messageOf(issue, spec, t);
  }
  return fromMessages(byField, fields, other);
}

/** The same shape from messages already chosen (a domain rule, such as an unknown region, that names a field). */
export function fromMessages(
  messages: Record<string, string>,
  fields: Record<string, FieldSpec>,
  other?: string,
): FormErrors {
  const summary = Object.keys(fields)
    .filter((name) => messages[name])
    .map((name) => ({ href: `#${fields[name].id}`, text: messages[name] }));
  if (other) summary.push({ href: '#main', text: other });
  return { summary, fields: messages };
}

/** What the user typed, as strings, to put back in the form (a checkbox group as a list). */
export function typedValues(body: unknown): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
      .map(([k, v]) => [k, v as string | string[]]),
  );
}

/** A form posted by a program (Accept: application/json) gets the JSON error, a person the form again. */
export function wantsFormPage(req: Request): boolean {
  return !req.path.startsWith('/api/') && req.accepts(['html', 'json']) === 'html';
}
