import { performance } from 'node:perf_hooks';
import type { ModulePack, PackStep } from '../server/domain/modules/content-pack';
import { translator } from '../server/i18n';
import { PERSONAS, type Persona } from '../lti/dev-platform/personas';
import { call, formOf, gist, locationOf, StepError, type Form } from './http-client';
import { loginAndLaunch, type Prepared, type Target } from './targets';

/** One simulated trainee: the link placed for them, who launches it, and the launch session once launched. */
export type Trainee = { index: number; linkId: string; courseId: string; persona: Persona; lt?: string };

/** The dev platform's learner personas (the others are instructors); trainees alternate between them. */
const LEARNERS = PERSONAS.filter((p) => p.roles.some((r) => r.endsWith('#Learner')));

/** Trainee i: its own link, one of the learner personas. */
export function trainee(index: number, linkId: string, courseId: string): Trainee {
  return { index, linkId, courseId, persona: LEARNERS[index % LEARNERS.length] };
}

/** The operations of a trainee's way through a module, each timed on its own. */
export const MODULE_OPS = ['overview', 'step page', 'step save', 'feedback page', 'complete', 'summary'] as const;
export type ModuleOp = (typeof MODULE_OPS)[number];

/** Figures of the module phase. */
export type ModuleResult = {
  trainees: number;
  completed: number;
  /** Completed with the full score: every answer was taken as right. */
  perfect: number;
  errors: number;
  errorSamples: string[];
  wallMs: number;
  requests: number;
  ops: Record<ModuleOp, number[]>;
  /** Whole-module time (overview → summary) of each trainee who finished, ms. */
  modules: number[];
  serverCpuMs?: number;
};

export const emptyModuleResult = (): ModuleResult => ({
  trainees: 0,
  completed: 0,
  perfect: 0,
  errors: 0,
  errorSamples: [],
  wallMs: 0,
  requests: 0,
  ops: Object.fromEntries(MODULE_OPS.map((op) => [op, []])) as unknown as Record<ModuleOp, number[]>,
  modules: [],
});

const REFLECTION =
  'Alueellamme työkyvyn tuen palveluketju katkeaa usein siirtymissä työterveyshuollon ja sosiaalipalvelujen välillä. ';

/** Form fields that answer a step fully and correctly (from the content pack, as the module test does). */
export function rightAnswer(step: PackStep): [string, string][] {
  switch (step.kind) {
    case 'knowledge-check':
      return step.questions.flatMap((q) =>
        q.options.filter((o) => o.correct).map((o): [string, string] => [`q_${q.id}`, o.id]),
      );
    case 'reflection':
      return [
        [
          'text',
          REFLECTION.repeat(Math.ceil((step.minLength + 1) / REFLECTION.length))
            .slice(0, step.maxLength)
            .trim(),
        ],
      ];
    case 'checklist':
      return step.items.map((i): [string, string] => ['checked', i.id]);
    default:
      return [];
  }
}

/**
 * Silta launches into the trainees' module links through the development platform: login →
 * platform auth → POST /lti/launch (303) → GET /app, which answers 303 to `/modules?lt=…` for a
 * module link. The launch ends there (the overview opens the attempt: timed in the module
 * phase). The session token is kept on the trainee. Preparing (POST /dev/platform/launch with
 * the link id) is not timed, as in bench:launch.
 */
export function moduleLaunchTarget(baseUrl: string, trainees: Trainee[]): Target {
  const ofPrepared = new Map<Prepared, Trainee>();
  return {
    name: 'silta',
    async prepare(index, users) {
      const t = trainees[index];
      const { body } = await call({
        method: 'POST',
        url: `${baseUrl}/dev/platform/launch`,
        form: {
          persona: t.persona.key,
          courseId: t.courseId,
          locale: 'fi',
          messageType: 'LtiResourceLinkRequest',
          resourceLinkId: t.linkId,
          window: 'iframe',
        },
        expect: 200,
      });
      const { action, fields } = formOf(body);
      if (!action || !fields.lti_message_hint)
        throw new StepError(`no login-initiation form in the dev platform page: ${gist(body)}`);
      const prepared = {
        user: index % users,
        loginUrl: new URL(action, baseUrl).toString(),
        fields,
        expectName: `${t.persona.givenName} ${t.persona.familyName}`,
      };
      ofPrepared.set(prepared, t);
      return prepared;
    },
    async launch(prepared, jar, time) {
      const modules = new URL((await loginAndLaunch(prepared, jar, time, 303)).url);
      const lt = modules.searchParams.get('lt');
      if (modules.pathname !== '/modules' || !lt)
        throw new StepError(`a module link's first page went to ${modules.pathname}, not /modules`);
      ofPrepared.get(prepared)!.lt = lt;
    },
  };
}

/**
 * One trainee's way through the module, as a browser goes: the overview (starts the attempt),
 * then for every step its page and the POST of its answers (303), following the redirect (the
 * next step's page, or the same step with its feedback for a knowledge check, after which the
 * trainee opens the next step), then POST /modules/complete (303) and the summary, which must
 * show the full score. Each request is timed under its operation; the whole module too.
 */
export async function runModule(baseUrl: string, pack: ModulePack, t: Trainee, result: ModuleResult): Promise<void> {
  const lt = t.lt;
  if (!lt) throw new StepError(`trainee ${t.index} has no launch session`);
  const times: [ModuleOp, number][] = [];
  const timed = async (op: ModuleOp, method: 'GET' | 'POST', path: string, expect: number, form?: Form) => {
    const t0 = performance.now();
    result.requests++;
    const done = await call({ method, url: new URL(path, baseUrl).toString(), form, expect });
    times.push([op, performance.now() - t0]);
    return done;
  };
  const started = performance.now();
  const overview = await timed('overview', 'GET', `/modules?lt=${lt}`, 200);
  if (!overview.body.includes(`/modules/steps/${pack.steps[0].id}?lt=${lt}`))
    throw new StepError(`the overview does not list the module's steps: ${gist(overview.body)}`);
  let page: { stepId: string; body: string } | undefined;
  let attempt = '';
  for (const step of pack.steps) {
    if (page?.stepId !== step.id)
      page = {
        stepId: step.id,
        body: (await timed('step page', 'GET', `/modules/steps/${step.id}?lt=${lt}`, 200)).body,
      };
    attempt = formOf(page.body).fields.attempt ?? '';
    if (!attempt) throw new StepError(`step ${step.id}: no attempt in the form: ${gist(page.body)}`);
    const saved = await timed('step save', 'POST', `/modules/steps/${step.id}`, 303, [
      ['lt', lt],
      ['attempt', attempt],
      ...rightAnswer(step),
    ]);
    const next = new URL(locationOf(saved.response, new URL(`/modules/steps/${step.id}`, baseUrl).toString()));
    const nextStep = decodeURIComponent(next.pathname.split('/').pop() ?? '');
    const after = await timed(
      nextStep === step.id ? 'feedback page' : 'step page',
      'GET',
      next.pathname + next.search,
      200,
    );
    if (step.kind === 'knowledge-check' && (!after.body.includes('is-correct') || after.body.includes('is-wrong')))
      throw new StepError(`step ${step.id}: the feedback does not show every answer right`);
    page = { stepId: nextStep, body: after.body };
  }
  const completed = await timed('complete', 'POST', '/modules/complete', 303, { lt, attempt });
  const summaryUrl = new URL(locationOf(completed.response, new URL('/modules/complete', baseUrl).toString()));
  if (summaryUrl.pathname !== '/modules/summary') throw new StepError(`finishing went to ${summaryUrl.pathname}`);
  const summary = await timed('summary', 'GET', summaryUrl.pathname + summaryUrl.search, 200);
  result.modules.push(performance.now() - started);
  result.completed++;
  if (summary.body.includes(translator('fi')('module.your_score', { percent: 100 }))) result.perfect++;
  for (const [op, ms] of times) result.ops[op].push(ms);
}

/**
 * The module phase: every trainee with a session runs through the module, `concurrency` trainees
 * side by side, until all are done or the deadline passes (trainees under way then finish).
 * Only the requests of trainees who finished are in the operation figures; a failed trainee
 * counts as one error.
 */
export async function runModules(
  baseUrl: string,
  pack: ModulePack,
  trainees: Trainee[],
  concurrency: number,
  deadline: number,
): Promise<ModuleResult> {
  const result = emptyModuleResult();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, trainees.length) }, async () => {
      while (next < trainees.length && Date.now() < deadline) {
        const t = trainees[next++];
        result.trainees++;
        try {
          await runModule(baseUrl, pack, t, result);
        } catch (error) {
          result.errors++;
          if (result.errorSamples.length < 5)
            result.errorSamples.push(`trainee ${t.index}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  result.wallMs = performance.now() - started;
  return result;
}
