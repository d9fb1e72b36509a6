import type { Language } from '../../i18n';
import type { GradeOutbox, ModuleAttempt } from '../../store/models';
import { translator } from '../../i18n';
import { formatNumber, formatScore } from '../grades/score-format';
import { presentCheck } from './assessment/check.presenter';
import { triesOf, type QuestionStates } from './assessment/behaviour';
import { gradeKnowledgeCheck } from './content-grading';
import type { ModulePack } from './content-pack';
import { publicModuleView, publicStepView } from './content-public.presenter';

type Answers = Record<string, unknown>;

const percentDone = (pack: ModulePack, answers: Answers) =>
  Math.round((100 * pack.steps.filter((s) => s.id in answers).length) / pack.steps.length);

/** The module overview: steps with done/current marks, progress, where to continue. */
export function presentOverview(pack: ModulePack, lang: Language, attempt: ModuleAttempt, answers: Answers) {
  const view = publicModuleView(pack, lang);
  return {
    module: view,
    attemptId: attempt.id,
    attemptNo: attempt.attemptNo,
    completed: attempt.status === 'completed',
    progress: percentDone(pack, answers),
    continueStep: attempt.status === 'completed' ? null : attempt.currentStep,
    steps: view.steps.map((s) => ({
      ...s,
      number: s.index + 1,
      done: s.id in answers,
      current: s.id === attempt.currentStep && attempt.status !== 'completed',
    })),
  };
}

/** A refused form shown again: what was typed or ticked, and a message per field. */
export type RefusedForm = { draft: Record<string, unknown>; errors: Record<string, string>; summary: string };

/**
 * One step for the page. A knowledge check follows the module's assessment behaviour: nothing
 * that tells a correct option is part of the page before its answer is final (presentCheck).
 */
export function presentStep(props: {
  pack: ModulePack;
  lang: Language;
  attempt: ModuleAttempt;
  saved: { answers: Answers; states: Record<string, QuestionStates> };
  stepId: string;
  refused?: RefusedForm;
}) {
  const { pack, lang, attempt, stepId, refused } = props;
  const { answers } = props.saved;
  const t = translator(lang);
  const step = publicStepView(pack, stepId, lang)!;
  const packStep = pack.steps[step.index];
  const saved = answers[stepId] as Record<string, unknown> | undefined;
  const previous = pack.steps[step.index - 1]?.id ?? null;
  const next = pack.steps[step.index + 1]?.id ?? null;
  const finished = attempt.status === 'completed';
  const base = {
    step,
    number: step.index + 1,
    total: pack.steps.length,
    progress: percentDone(pack, answers),
    previous,
    next,
    isLast: next === null,
    attemptId: attempt.id,
    readOnly: finished,
    answered: saved !== undefined,
    immediate: pack.assessment.behaviour === 'immediate',
    errorSummary: null as null | { message: string; links: { href: string; message: string }[] },
  };
  const summaryOf = (anchor: (name: string) => string) =>
    refused
      ? {
          message: refused.summary,
          links: Object.entries(refused.errors).map(([name, message]) => ({ href: `#${anchor(name)}`, message })),
        }
      : null;
  if (packStep.kind === 'knowledge-check') {
    const check = presentCheck({
      pack,
      step: packStep,
      lang,
      t,
      seed: attempt.shuffleSeed ?? attempt.id,
      attemptFinished: finished,
      saved,
      states: props.saved.states[stepId] ?? {},
      draft: refused?.draft,
      errors: refused?.errors,
    });
    // An error links to the first option of its question, as the page orders them.
    const first = new Map(check.questions.map((q) => [`q_${q.id}`, `q-${q.id}-${q.options[0].id}`]));
    return { ...base, ...check, knowledgeCheck: true, errorSummary: summaryOf((name) => first.get(name) ?? 'main') };
  }
  if (step.kind === 'reflection') {
    const text = refused ? refused.draft.text : saved?.text;
    return {
      ...base,
      text: typeof text === 'string' ? text : '',
      textError: refused?.errors.text ?? null,
      errorSummary: summaryOf(() => 'reflection-text'),
    };
  }
  if (step.kind === 'checklist') {
    const checked = (saved?.checked as string[] | undefined) ?? [];
    return { ...base, items: step.items.map((i) => ({ ...i, checked: checked.includes(i.id) })) };
  }
  return base;
}

/** The summary after finishing: score, pass or not, which checks to review, grade delivery. */
export function presentSummary(
  pack: ModulePack,
  lang: Language,
  attempt: ModuleAttempt,
  saved: { answers: Answers; states: Record<string, QuestionStates> },
  grade: GradeOutbox | null,
) {
  const t = translator(lang);
  const review = pack.steps.flatMap((s) => {
    if (s.kind !== 'knowledge-check') return [];
    const result = gradeKnowledgeCheck(s, saved.answers[s.id], {
      tries: triesOf(saved.states[s.id] ?? {}),
      penalty: pack.assessment.penalty,
    });
    if (result.points >= result.maxPoints) return [];
    return [
      {
        id: s.id,
        title: s.content[lang].title,
        score: t('assessment.step_score', {
          points: formatNumber(result.points, lang),
          max: formatNumber(result.maxPoints, lang),
        }),
      },
    ];
  });
  const percent = attempt.scorePercent ?? 0;
  return {
    module: publicModuleView(pack, lang),
    attemptId: attempt.id,
    percent,
    score: formatScore(percent, lang),
    passed: percent >= pack.passThreshold,
    passThreshold: formatScore(pack.passThreshold, lang),
    minutes: Math.max(1, Math.round(attempt.timeSpentSeconds / 60)),
    review,
    hasChecks: pack.steps.some((s) => s.kind === 'knowledge-check'),
    canRetry: pack.retries,
    gradeStatus: grade?.status ?? null,
  };
}
