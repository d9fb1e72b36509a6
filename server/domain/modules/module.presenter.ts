import type { Language } from '../../i18n';
import type { GradeOutbox, ModuleAttempt } from '../../store/models';
import { gradeKnowledgeCheck } from './content-grading';
import type { ModulePack } from './content-pack';
import { publicModuleView, publicStepView } from './content-public.presenter';

type Answers = Record<string, unknown>;

const percentDone = (pack: ModulePack, answers: Answers) => Math.round((100 * pack.steps.filter((s) => s.id in answers).length) / pack.steps.length);

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
    steps: view.steps.map((s) => ({ ...s, number: s.index + 1, done: s.id in answers, current: s.id === attempt.currentStep && attempt.status !== 'completed' })),
  };
}

/**
 * One step for the page. Feedback on a knowledge check is shown only once the trainee has
 * submitted an answer to it; the correct options are never part of the page before that.
 */
export function presentStep(pack: ModulePack, lang: Language, attempt: ModuleAttempt, answers: Answers, stepId: string) {
  const step = publicStepView(pack, stepId, lang)!;
  const packStep = pack.steps[step.index];
  const saved = answers[stepId] as Record<string, unknown> | undefined;
  const previous = pack.steps[step.index - 1]?.id ?? null;
  const next = pack.steps[step.index + 1]?.id ?? null;
  const base = {
    step,
    number: step.index + 1,
    total: pack.steps.length,
    progress: percentDone(pack, answers),
    previous,
    next,
    isLast: next === null,
    attemptId: attempt.id,
    readOnly: attempt.status === 'completed',
    answered: saved !== undefined,
  };
  if (step.kind === 'knowledge-check' && packStep.kind === 'knowledge-check') {
    const result = saved ? gradeKnowledgeCheck(packStep, saved) : null;
    return {
      ...base,
      questions: step.questions.map((q, qi) => {
        const graded = result?.questions[qi];
        return {
          ...q,
          multiple: q.type === 'multiple',
          outcome: graded?.outcome,
          options: q.options.map((o, oi) => ({
            ...o,
            checked: graded?.options[oi].selected ?? false,
            // Only after submission: whether it was right, and why.
            correct: graded ? graded.options[oi].correct : undefined,
            feedback: graded && (graded.options[oi].selected || graded.options[oi].correct) ? graded.options[oi].feedback[lang] : undefined,
          })),
        };
      }),
      score: result ? { points: result.points, maxPoints: result.maxPoints } : null,
    };
  }
  if (step.kind === 'reflection') return { ...base, text: (saved?.text as string | undefined) ?? '' };
  if (step.kind === 'checklist') {
    const checked = (saved?.checked as string[] | undefined) ?? [];
    return { ...base, items: step.items.map((i) => ({ ...i, checked: checked.includes(i.id) })) };
  }
  return base;
}

/** The summary after finishing: score, pass or not, which checks to review, grade delivery. */
export function presentSummary(pack: ModulePack, lang: Language, attempt: ModuleAttempt, answers: Answers, grade: GradeOutbox | null) {
  const review = pack.steps
    .filter((s) => s.kind === 'knowledge-check')
    .map((s) => ({ step: s, result: s.kind === 'knowledge-check' ? gradeKnowledgeCheck(s, answers[s.id]) : null }))
    .filter(({ result }) => result && result.points < result.maxPoints)
    .map(({ step, result }) => ({ id: step.id, title: step.content[lang].title, points: result!.points, maxPoints: result!.maxPoints }));
  const percent = attempt.scorePercent ?? 0;
  return {
    module: publicModuleView(pack, lang),
    attemptId: attempt.id,
    percent,
    passed: percent >= pack.passThreshold,
    passThreshold: pack.passThreshold,
    minutes: Math.max(1, Math.round(attempt.timeSpentSeconds / 60)),
    review,
    canRetry: pack.retries,
    gradeStatus: grade?.status ?? null,
  };
}
