import type { Language } from '../../i18n';
import type { ModulePack, PackStep } from './content-pack';

/**
 * What of a module may reach the browser before the trainee has answered: texts in one language,
 * ids and points, but never which options are correct nor the feedback on them. Every field is
 * copied by name (no spreading of pack objects), so a field added to the pack later stays on the
 * server until someone adds it here on purpose.
 */

type StepCommon = { id: string; index: number; counts: boolean; title: string; html: string };

export type PublicStep =
  | (StepCommon & { kind: 'reading' })
  | (StepCommon & {
      kind: 'knowledge-check';
      questions: {
        id: string;
        type: 'single' | 'multiple';
        points: number;
        text: string;
        options: { id: string; text: string }[];
      }[];
    })
  | (StepCommon & { kind: 'reflection'; prompt: string; minLength: number; maxLength: number })
  | (StepCommon & { kind: 'checklist'; items: { id: string; text: string }[] });

export type PublicModule = {
  slug: string;
  version: string;
  title: string;
  description: string;
  estimatedMinutes: number;
  passThreshold: number;
  scoreMaximum: number;
  retries: boolean;
  steps: { id: string; index: number; kind: PackStep['kind']; counts: boolean; title: string }[];
};

/** The module overview in one language: titles of the steps, nothing to answer. */
export function publicModuleView(pack: ModulePack, lang: Language): PublicModule {
  return {
    slug: pack.slug,
    version: pack.version,
    title: pack.title[lang],
    description: pack.description[lang],
    estimatedMinutes: pack.estimatedMinutes,
    passThreshold: pack.passThreshold,
    scoreMaximum: pack.scoreMaximum,
    retries: pack.retries,
    steps: pack.steps.map((step, index) => ({
      id: step.id,
      index,
      kind: step.kind,
      counts: step.counts,
      title: step.content[lang].title,
    })),
  };
}

/** One step as the browser may see it before answering, in one language. */
export function publicStepView(pack: ModulePack, stepId: string, lang: Language): PublicStep | null {
  const index = pack.steps.findIndex((s) => s.id === stepId);
  if (index < 0) return null;
  const step = pack.steps[index];
  const common: StepCommon = {
    id: step.id,
    index,
    counts: step.counts,
    title: step.content[lang].title,
    html: step.content[lang].html,
  };
  switch (step.kind) {
    case 'reading':
      return { ...common, kind: 'reading' };
    case 'knowledge-check':
      return {
        ...common,
        kind: 'knowledge-check',
        questions: step.questions.map((q) => ({
          id: q.id,
          type: q.type,
          points: q.points,
          text: q.text[lang],
          options: q.options.map((o) => ({ id: o.id, text: o.text[lang] })),
        })),
      };
    case 'reflection':
      return {
        ...common,
        kind: 'reflection',
        prompt: step.prompt[lang],
        minLength: step.minLength,
        maxLength: step.maxLength,
      };
    case 'checklist':
      return { ...common, kind: 'checklist', items: step.items.map((i) => ({ id: i.id, text: i.text[lang] })) };
  }
}
