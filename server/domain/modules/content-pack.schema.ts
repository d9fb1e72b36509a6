import { z } from 'zod';
import type { Language } from '../../i18n';

/**
 * The schema of a module's `module.yaml` (see content/README.md). Messages are written to finish
 * the sentence "<file>:<line>: <path> ..." in a start-up error, for the people who write content.
 */

export const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const STEP_KINDS = ['reading', 'knowledge-check', 'reflection', 'checklist'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const kebabId = z
  .string()
  .regex(KEBAB_CASE, { error: 'must be kebab-case (lower-case letters a-z, digits and single hyphens)' });
const text = z.string().trim().min(1, { error: 'must not be empty' });

/** A text in every language Silta speaks; a missing translation is an error, not a fallback. */
export const localizedTextSchema = z.strictObject({ fi: text, sv: text, en: text });
export type LocalizedText = Record<Language, string>;
// Fails to compile if the languages of the schema and of the UI drift apart.
const _sameLanguages: [keyof z.infer<typeof localizedTextSchema>] extends [Language]
  ? [Language] extends [keyof z.infer<typeof localizedTextSchema>]
    ? true
    : never
  : never = true;
void _sameLanguages;

const points = z.number().positive({ error: 'must be a number greater than 0' }).max(1000);

export const optionSchema = z.strictObject({
  id: kebabId,
  text: localizedTextSchema,
  /** Omitted means a wrong option. */
  correct: z.boolean().default(false),
  /** Shown after the answer is submitted, for this option whether it was right or wrong. */
  feedback: localizedTextSchema,
});

export const questionSchema = z
  .strictObject({
    id: kebabId,
    type: z.enum(['single', 'multiple']),
    points: points.default(1),
    text: localizedTextSchema,
    /** Whether the options are shown in a per-attempt random order (default); `false` keeps the file's order. */
    shuffle: z.boolean().default(true),
    options: z.array(optionSchema).min(2, { error: 'must list at least 2 options' }).max(12),
  })
  .superRefine((question, ctx) => {
    duplicates(question.options.map((o) => o.id)).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['options', index, 'id'],
        message: `is a duplicate option id "${question.options[index].id}"`,
      }),
    );
    const correct = question.options.filter((o) => o.correct).length;
    if (question.type === 'single' && correct !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `is a single-choice question and needs exactly one correct option (found ${correct})`,
      });
    }
    if (question.type === 'multiple' && correct === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'is a multiple-choice question and needs at least one correct option',
      });
    }
  });

const stepBase = {
  id: kebabId,
  /** Base name of `steps/<lang>/<file>.md`; defaults to the step id. */
  file: kebabId.optional(),
};

const readingStep = z.strictObject({
  ...stepBase,
  kind: z.literal('reading'),
  counts: z.literal(false, { error: 'cannot be true: a reading step has nothing to score' }).default(false),
});

const knowledgeCheckStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal('knowledge-check'),
    counts: z.boolean().default(true),
    questions: z.array(questionSchema).min(1, { error: 'must list at least 1 question' }).max(50),
  })
  .superRefine((step, ctx) => {
    duplicates(step.questions.map((q) => q.id)).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['questions', index, 'id'],
        message: `is a duplicate question id "${step.questions[index].id}"`,
      }),
    );
  });

const reflectionStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal('reflection'),
    counts: z.boolean().default(false),
    /** Points for an answer of at least minLength characters, when the step counts. */
    points: points.default(1),
    prompt: localizedTextSchema,
    minLength: z.number().int().min(0).max(5000),
    maxLength: z.number().int().min(1).max(20000).default(5000),
  })
  .superRefine((step, ctx) => {
    if (step.minLength > step.maxLength)
      ctx.addIssue({
        code: 'custom',
        path: ['minLength'],
        message: `must not be greater than maxLength (${step.maxLength})`,
      });
  });

const checklistStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal('checklist'),
    counts: z.boolean().default(false),
    /** Points for ticking every item (a share of them for some), when the step counts. */
    points: points.default(1),
    items: z
      .array(z.strictObject({ id: kebabId, text: localizedTextSchema }))
      .min(1, { error: 'must list at least 1 item' })
      .max(50),
  })
  .superRefine((step, ctx) => {
    duplicates(step.items.map((i) => i.id)).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['items', index, 'id'],
        message: `is a duplicate item id "${step.items[index].id}"`,
      }),
    );
  });

export const stepSchema = z.discriminatedUnion('kind', [
  readingStep,
  knowledgeCheckStep,
  reflectionStep,
  checklistStep,
]);

/**
 * How knowledge checks are assessed (docs/decisions/0011), after Moodle quiz's question
 * behaviours: `deferred` shows no correctness before the whole attempt is finished; `immediate`
 * checks a step when it is saved and its answers are then final, after `tries` tries with
 * `penalty` (a share of the question's points) taken off for each extra try.
 */
export const assessmentSchema = z
  .strictObject({
    behaviour: z.enum(['deferred', 'immediate'], { error: 'must be deferred or immediate' }).default('deferred'),
    tries: z
      .number()
      .int()
      .min(1, { error: 'must be a whole number from 1 to 10' })
      .max(10, { error: 'must be a whole number from 1 to 10' })
      .default(1),
    penalty: z
      .number()
      .min(0, { error: 'must be between 0 and 1' })
      .max(1, { error: 'must be between 0 and 1' })
      .default(0),
  })
  .superRefine((a, ctx) => {
    if (a.behaviour === 'deferred' && (a.tries !== 1 || a.penalty !== 0))
      ctx.addIssue({ code: 'custom', path: ['tries'], message: 'and penalty apply only to the immediate behaviour' });
  });
export type Assessment = z.output<typeof assessmentSchema>;

export const moduleManifestSchema = z
  .strictObject({
    id: kebabId,
    version: z.string().regex(SEMVER, { error: 'must be a semantic version such as 1.0.0' }),
    title: localizedTextSchema,
    description: localizedTextSchema,
    estimatedMinutes: z.number().int().min(1).max(600),
    /** Percent of the points needed to pass. */
    passThreshold: z
      .number()
      .min(0, { error: 'must be between 0 and 100' })
      .max(100, { error: 'must be between 0 and 100' }),
    /** The maximum of the grade sent to the platform (the score is scaled to it). */
    scoreMaximum: points.default(100),
    /** Whether a trainee may take the module again after finishing; a better attempt replaces the grade. */
    retries: z.boolean(),
    /** Omitted means `{ behaviour: deferred }`. */
    assessment: assessmentSchema.default({ behaviour: 'deferred', tries: 1, penalty: 0 }),
    steps: z.array(stepSchema).min(1, { error: 'must list at least 1 step' }).max(40),
  })
  .superRefine((manifest, ctx) => {
    duplicates(manifest.steps.map((s) => s.id)).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['steps', index, 'id'],
        message: `is a duplicate step id "${manifest.steps[index].id}"`,
      }),
    );
    if (!manifest.steps.some((s) => s.counts)) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'must have at least one step that counts toward the score',
      });
    }
  });

export type ModuleManifest = z.output<typeof moduleManifestSchema>;
export type ManifestStep = ModuleManifest['steps'][number];
export type Question = z.output<typeof questionSchema>;

/** Indexes of the entries that repeat an earlier one. */
function duplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => {
    if (seen.has(value)) return [index];
    seen.add(value);
    return [];
  });
}
