import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ACTORS, THEMES } from '../../domain/board/board.schema';
import { SiltaError } from '../../errors';
import { formErrorsOf, fromMessages, typedValues, type FieldSpec, type FormErrors } from '../forms/form-errors';

/** The practice form's fields as the page shows them (element ids of board/form.hbs). */
export function practiceFields(t: TFunction): Record<string, FieldSpec> {
  return {
    title: { id: 'p-title', label: t('board.field.title') },
    summary: { id: 'p-summary', label: t('board.field.summary') },
    need: { id: 'p-need', label: t('board.field.need') },
    whatWasDone: { id: 'p-done', label: t('board.field.what_was_done') },
    results: { id: 'p-results', label: t('board.field.results') },
    actors: { id: `a-${ACTORS[0]}`, label: t('board.field.actors') },
    themes: { id: `th-${THEMES[0]}`, label: t('board.field.themes') },
    region: { id: 'p-region', label: t('board.field.region'), message: 'forms.region_unknown' },
    status: { id: 'p-status', label: t('board.field.status') },
    language: { id: 'p-language', label: t('board.field.language') },
    links: { id: 'p-links', label: t('board.field.links'), message: 'forms.links' },
  };
}

/** The comment form's one field (board/practice.hbs). */
export const commentFields = (t: TFunction): Record<string, FieldSpec> => ({
  body: { id: 'comment-body', label: t('board.add_comment') },
});

/**
 * The errors of a refused practice or comment form, or nothing when the refusal is not about
 * what was typed (then the error page is right): a schema's issues, or a domain rule that
 * names a field (an unknown region).
 */
export function boardFormErrors(
  error: unknown,
  fields: Record<string, FieldSpec>,
  t: TFunction,
): FormErrors | undefined {
  if (error instanceof FormRefusal) return formErrorsOf(error.issues, fields, t);
  if (error instanceof SiltaError && error.code === 'region_not_found' && fields.region)
    return fromMessages({ region: t('forms.region_unknown') }, fields);
  return undefined;
}

/** A schema refusal of a form a person sent: it carries the issues, so the form can show them. */
export class FormRefusal extends Error {
  constructor(readonly issues: readonly z.core.$ZodIssue[]) {
    super('form refused');
  }
}

/** What was typed in the practice form, shaped as the form's values (checkbox groups as lists). */
export function typedPractice(body: unknown) {
  const values = typedValues(body);
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return {
    title: one(values.title),
    summary: one(values.summary),
    need: one(values.need),
    whatWasDone: one(values.whatWasDone),
    results: one(values.results),
    links: one(values.links),
    region: one(values.region),
    status: one(values.status),
    language: one(values.language),
    actors: list(values.actors),
    themes: list(values.themes),
  };
}
