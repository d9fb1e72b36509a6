import { z } from 'zod';
import type { PackStep } from './content-pack';

/** Fields every module form carries. */
export const moduleFormSchema = z.object({
  lt: z.string(),
  attempt: z.coerce.number().int().positive(),
});

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Turns a step's HTML form fields into the answer shape the step's schema validates: radio
 * `q_<id>` for single choice, checkboxes `q_<id>` for multiple choice, `text` for a reflection,
 * checkboxes `checked` for a checklist. Anything else in the form is ignored here and the result
 * is validated by `stepAnswerSchema` before it is stored.
 */
export function answerFromForm(step: PackStep, body: Record<string, unknown>): unknown {
  switch (step.kind) {
    case 'knowledge-check':
      return Object.fromEntries(
        step.questions
          .filter((q) => body[`q_${q.id}`] !== undefined)
          .map((q) => [q.id, q.type === 'multiple' ? asList(body[`q_${q.id}`]) : body[`q_${q.id}`]]),
      );
    case 'reflection':
      return { text: body.text };
    case 'checklist':
      return { checked: asList(body.checked) };
    default:
      return {};
  }
}
