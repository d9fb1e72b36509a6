import express, { Router, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import { answerFromForm, moduleFormSchema } from '../../domain/modules/module.schema';
import { presentOverview, presentStep, presentSummary } from '../../domain/modules/module.presenter';
import { canSeeProgress } from '../../domain/modules/module-progress.policy';
import { answersOf, completeAttempt, currentAttempt, latestGradeState, saveStepAnswer, startRetry } from '../../domain/modules/module.service';
import type { ModuleLibrary } from '../../domain/modules/versions/module-library';
import { attemptPackOf, currentPackOf } from '../../domain/modules/versions/module-pinning';
import { SiltaError, ValidationError } from '../../errors';
import { languageLinks, translator } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The trainee's way through a module: overview, steps, summary. */
export function moduleRoutes(deps: { sequelize: Sequelize; modules: ModuleLibrary }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
  const { sequelize, modules } = deps;

  const page = (res: Response, view: string, titleKey: string, model: object, path: string) => {
    const launch = currentLaunch(res);
    const t = translator(launch.language);
    res.render(view, { lang: launch.language, title: t(titleKey), lt: launch.sessionId, languages: languageLinks(launch.language, (l) => `${path}${path.includes('?') ? '&' : '?'}lt=${launch.sessionId}&lang=${l}`), ...model });
  };
  const parseForm = (req: Request) => {
    const parsed = moduleFormSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return parsed.data;
  };
  const go = (res: Response, path: string) => res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}lt=${currentLaunch(res).sessionId}`);

  router.get('/modules', requireLaunch, async (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      const attempt = await currentAttempt(sequelize, launch, pack);
      page(res, 'modules/overview', 'module.overview_title', { ...presentOverview(pack, launch.language, attempt, await answersOf(attempt.id)), heading: pack.title[launch.language], canSeeProgress: canSeeProgress(launch) }, '/modules');
    } catch (error) {
      next(error);
    }
  });

  router.get('/modules/steps/:stepId', requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      if (!pack.steps.some((s) => s.id === req.params.stepId)) throw new SiltaError('step_not_found', 'not_found');
      const attempt = await currentAttempt(sequelize, launch, pack);
      const model = presentStep(pack, launch.language, attempt, await answersOf(attempt.id), req.params.stepId);
      page(res, 'modules/step', 'module.step_title', { ...model, moduleTitle: pack.title[launch.language], saved: req.query.saved === '1' }, `/modules/steps/${req.params.stepId}`);
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/steps/:stepId', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      const { attempt } = parseForm(req);
      const step = pack.steps.find((s) => s.id === req.params.stepId);
      if (!step) throw new SiltaError('step_not_found', 'not_found');
      const { next: nextStep } = await saveStepAnswer({ sequelize, launch, pack, attemptId: attempt, stepId: step.id, answer: answerFromForm(step, req.body as Record<string, unknown>) });
      // A knowledge check shows its feedback first; other steps go straight on.
      if (step.kind === 'knowledge-check') go(res, `/modules/steps/${step.id}?saved=1`);
      else go(res, nextStep ? `/modules/steps/${nextStep}` : `/modules/steps/${step.id}?saved=1`);
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/complete', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      await completeAttempt({ sequelize, launch, pack, attemptId: parseForm(req).attempt });
      go(res, '/modules/summary');
    } catch (error) {
      next(error);
    }
  });

  router.get('/modules/summary', requireLaunch, async (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      const attempt = await currentAttempt(sequelize, launch, pack);
      if (attempt.status !== 'completed') return go(res, '/modules');
      page(res, 'modules/summary', 'module.summary_title', presentSummary(pack, launch.language, attempt, await answersOf(attempt.id), await latestGradeState(launch)), '/modules/summary');
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/retry', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      // A new attempt starts on the current version.
      await startRetry({ sequelize, launch, pack: await currentPackOf(modules, launch), attemptId: parseForm(req).attempt });
      go(res, '/modules');
    } catch (error) {
      next(error);
    }
  });
  return router;
}
