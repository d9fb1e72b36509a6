import type { TFunction } from 'i18next';
import { SiltaError, ValidationError } from '../../errors';
import { formErrorsOf, fromMessages, type FieldSpec, type FormErrors } from '../forms/form-errors';

/** Admin forms name each input by its field name (the admin-field partial's id). */
export const specsOf = (labels: Record<string, string>, t: TFunction): Record<string, FieldSpec> =>
  Object.fromEntries(Object.entries(labels).map(([name, key]) => [name, { id: name, label: t(key) }]));

/**
 * A refused admin form: the error summary and a message per field, from the schema's issues, or
 * the domain's message (a platform registered twice) in the summary. Anything else is no form's
 * business and is thrown on.
 */
export function adminFormErrors(
  error: unknown,
  labels: Record<string, string>,
  t: TFunction,
): { errors: FormErrors; status: number } {
  if (!(error instanceof SiltaError)) throw error;
  const specs = specsOf(labels, t);
  const status = error.kind === 'conflict' ? 409 : error.kind === 'not_found' ? 404 : 400;
  if (error instanceof ValidationError && error.issues.length)
    return { errors: formErrorsOf(error.issues, specs, t), status };
  return { errors: fromMessages({}, specs, t(`errors.${error.code}`, error.params)), status };
}

/** The admin-field partial's `field` objects: the value to show again and the field's message. */
export function adminFields(names: readonly string[], values: Record<string, unknown>, errors?: FormErrors) {
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        value: typeof values[name] === 'string' ? values[name] : '',
        invalid: !!errors?.fields[name],
        error: errors?.fields[name],
      },
    ]),
  );
}
