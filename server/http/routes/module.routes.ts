import express, { Router, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import { answerFromForm, moduleFormSchema } from '../../domain/modules/module.schema';
import { StepAnswerRefused } from '../../domain/modules/assessment/behaviour';
import { presentOverview, presentStep, presentSummary, type RefusedForm } from '../../domain/modules/module.presenter';
import { presentTraineeGrade } from '../../domain/grades/grade-delivery.presenter';
import { platformDelivery } from '../../domain/grades/platform-health.service';
import { canSeeProgress } from '../../domain/modules/module-progress.policy';
import {
  answersOf,
  completeAttempt,
  currentAttempt,
  latestGradeState,
  savedAnswersOf,
  saveStepAnswer,
  startRetry,
  StepsUnanswered,
} from '../../domain/modules/module.service';
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
    res.render(view, {
      lang: launch.language,
      title: t(titleKey),
      lt: launch.sessionId,
      languages: languageLinks(
        launch.language,
        (l) => `${path}${path.includes('?') ? '&' : '?'}lt=${launch.sessionId}&lang=${l}`,
      ),
      ...model,
    });
  };
  const parseForm = (req: Request) => {
    const parsed = moduleFormSchema.safeParse(req.body);
    if (!parsed.success)
      throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return parsed.data;
  };
  // A form refused in place is shown again as a page; a client that asked for JSON gets the error.
  const inPlace = (req: Request) => req.accepts(['html', 'json']) === 'html';
  const go = (res: Response, path: string) =>
    res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}lt=${currentLaunch(res).sessionId}`);

  router.get('/modules', requireLaunch, async (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      const attempt = await currentAttempt(sequelize, launch, pack);
      page(
        res,
        'modules/overview',
        'module.overview_title',
        {
          ...presentOverview(pack, launch.language, attempt, await answersOf(attempt.id)),
          heading: pack.title[launch.language],
          canSeeProgress: canSeeProgress(launch),
        },
        '/modules',
      );
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
      const model = presentStep({
        pack,
        lang: launch.language,
        attempt,
        saved: await savedAnswersOf(attempt.id),
        stepId: req.params.stepId,
      });
      page(
        res,
        'modules/step',
        'module.step_title',
        { ...model, moduleTitle: pack.title[launch.language], saved: req.query.saved === '1' },
        `/modules/steps/${req.params.stepId}`,
      );
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
      const answer = answerFromForm(step, req.body as Record<string, unknown>);
      try {
        const { next: nextStep } = await saveStepAnswer({
          sequelize,
          launch,
          pack,
          attemptId: attempt,
          stepId: step.id,
          answer,
        });
        // In `immediate` a knowledge check shows its feedback first; other steps go straight on.
        if (step.kind === 'knowledge-check' && pack.assessment.behaviour === 'immediate')
          go(res, `/modules/steps/${step.id}?saved=1`);
        else go(res, nextStep ? `/modules/steps/${nextStep}` : `/modules/steps/${step.id}?saved=1`);
      } catch (error) {
        if (!(error instanceof StepAnswerRefused) || !inPlace(req)) throw error;
        // Refused in place: the same step, what was typed kept, a message at each field.
        const t = translator(launch.language);
        const refused: RefusedForm = {
          draft: answer as Record<string, unknown>,
          errors: Object.fromEntries(
            error.fields.map((f) => [f.name, t(`assessment.field.${f.code}`, f.params ?? {})]),
          ),
          summary: t(`errors.${error.code}`, error.params),
        };
        const current = await currentAttempt(sequelize, launch, pack);
        const model = presentStep({
          pack,
          lang: launch.language,
          attempt: current,
          saved: await savedAnswersOf(current.id),
          stepId: step.id,
          refused,
        });
        res.status(400);
        page(
          res,
          'modules/step',
          'assessment.step_title_error',
          { ...model, moduleTitle: pack.title[launch.language], saved: false },
          `/modules/steps/${step.id}`,
        );
      }
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/complete', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      try {
        await completeAttempt({ sequelize, launch, pack, attemptId: parseForm(req).attempt });
      } catch (error) {
        if (!(error instanceof StepsUnanswered) || !inPlace(req)) throw error;
        // Not finished yet: the last step again, with every step still to answer as a link.
        const t = translator(launch.language);
        const attempt = await currentAttempt(sequelize, launch, pack);
        const last = pack.steps[pack.steps.length - 1];
        const model = presentStep({
          pack,
          lang: launch.language,
          attempt,
          saved: await savedAnswersOf(attempt.id),
          stepId: last.id,
        });
        const unanswered = {
          message: t(`errors.${error.code}`, error.params),
          links: pack.steps
            .filter((s) => error.stepIds.includes(s.id))
            .map((s) => ({
              href: `/modules/steps/${s.id}?lt=${launch.sessionId}`,
              message: s.content[launch.language].title,
            })),
        };
        res.status(409);
        return page(
          res,
          'modules/step',
          'assessment.step_title_error',
          { ...model, errorSummary: unanswered, moduleTitle: pack.title[launch.language], saved: false },
          `/modules/steps/${last.id}`,
        );
      }
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
      const grade = await latestGradeState(launch);
      // Where the grade stands, told in words: sent, on its way, waiting for Moodle, or why it failed.
      const gradeDelivery = presentTraineeGrade(
        grade,
        await platformDelivery(launch.platform),
        launch.language,
        translator(launch.language),
      );
      page(
        res,
        'modules/summary',
        'module.summary_title',
        { ...presentSummary(pack, launch.language, attempt, await savedAnswersOf(attempt.id), grade), gradeDelivery },
        '/modules/summary',
      );
    } catch (error) {
      next(error);
    }
  });

  // The review of a finished attempt: every knowledge check with what was right and why.
  router.get('/modules/review', requireLaunch, async (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const pack = await attemptPackOf(modules, launch);
      const attempt = await currentAttempt(sequelize, launch, pack);
      if (attempt.status !== 'completed') return go(res, '/modules');
      const saved = await savedAnswersOf(attempt.id);
      const checks = pack.steps
        .filter((s) => s.kind === 'knowledge-check')
        .map((s) => presentStep({ pack, lang: launch.language, attempt, saved, stepId: s.id }));
      page(
        res,
        'modules/review',
        'assessment.review_title',
        { checks, heading: pack.title[launch.language], attemptNo: attempt.attemptNo },
        '/modules/review',
      );
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/retry', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      // A new attempt starts on the current version.
      await startRetry({
        sequelize,
        launch,
        pack: await currentPackOf(modules, launch),
        attemptId: parseForm(req).attempt,
      });
      go(res, '/modules');
    } catch (error) {
      next(error);
    }
  });
  return router;
}
