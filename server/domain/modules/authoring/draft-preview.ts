import type { Language } from '../../../i18n';
import type { ModuleAttempt } from '../../../store/models';
import type { ModulePack } from '../content-pack';
import { presentStep } from '../module.presenter';
import { answerFromForm } from '../module.schema';

/**
 * A draft's step as a trainee sees it, built by the trainee page's own presenter from an attempt
 * that exists only in memory: nothing is read from or written to the attempt tables and no grade
 * is queued. With `check`, the answers in `form` are marked as on a finished attempt (feedback
 * per option), so an author sees both sides of a knowledge check.
 */
export function previewStep(props: {
  pack: ModulePack;
  lang: Language;
  stepId: string;
  form: Record<string, unknown>;
  check: boolean;
}) {
  const { pack, lang, stepId } = props;
  const step = pack.steps.find((s) => s.id === stepId) ?? pack.steps[0];
  const attempt = {
    id: 0,
    attemptNo: 1,
    status: props.check ? 'completed' : 'in_progress',
    shuffleSeed: 1,
    currentStep: step.id,
  } as unknown as ModuleAttempt;
  const answers: Record<string, unknown> = props.check ? { [step.id]: answerFromForm(step, props.form) } : {};
  return presentStep({ pack, lang, attempt, saved: { answers, states: {} }, stepId: step.id });
}
