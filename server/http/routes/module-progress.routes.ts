import express, { Router, type Request, type Response } from 'express';
import type { LtijsProvider } from 'ltijs';
import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import type { PlatformRegistry } from '../../../lti/platforms';
import { presentPlatformDelivery } from '../../domain/grades/grade-delivery.presenter';
import { platformDelivery } from '../../domain/grades/platform-health.service';
import { ServiceClient } from '../../../lti/service-client';
import { chooseLanguage } from '../../domain/launches/launch.service';
import { authorizeProgress } from '../../domain/modules/module-progress.policy';
import { presentProgress, progressCsvFilename, progressCsvRows } from '../../domain/modules/module-progress.presenter';
import { progressReport, retryAllGrades, retryGrade } from '../../domain/modules/module-progress.service';
import type { ModuleLibrary } from '../../domain/modules/versions/module-library';
import { currentPackOf } from '../../domain/modules/versions/module-pinning';
import { ValidationError } from '../../errors';
import { isLanguage, languageLinks, translator } from '../../i18n';
import { csvSeparatorFor, toCsv } from '../csv';
import { currentLaunch, requireLaunch } from '../launch-session';

export type ModuleProgressDeps = {
  sequelize: Sequelize;
  modules: ModuleLibrary;
  /** For the NRPS roster call (a ServiceClient is built from them unless `client` is given). */
  registry: PlatformRegistry;
  lti: LtijsProvider;
  client?: ServiceClient;
  /** Called after failed grades were put back in the queue (e.g. wakes the grade worker). */
  onGradesRequeued?: () => void;
};

const pageQuery = z.object({
  retried: z.coerce.number().int().min(0).max(1_000_000).optional(),
  lang: z.string().max(8).optional(),
});
const retryForm = z.object({ lt: z.string().max(64), id: z.coerce.number().int().positive().max(2_147_483_647) });
const retryAllForm = z.object({ lt: z.string().max(64) });

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return parsed.data;
}

/**
 * The teacher view of a module link: everyone's progress and grade sync state, "send again"
 * for failed grades, and the CSV export. Instructors and administrators of the launch only.
 */
export function moduleProgressRoutes(deps: ModuleProgressDeps): Router {
  const router = Router();
  const { sequelize, modules } = deps;
  // A roster that takes longer than this is not worth keeping a teacher waiting for.
  const client = deps.client ?? new ServiceClient({ registry: deps.registry, lti: deps.lti, timeoutMs: 8_000 });
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  /** The launch, its module, and the report; the NRPS failure behind a fallback goes to the log. */
  const load = async (req: Request, res: Response) => {
    const launch = currentLaunch(res);
    authorizeProgress(launch);
    const pack = await currentPackOf(modules, launch);
    const report = await progressReport({ sequelize, client, launch, pack });
    if (report.source.kind === 'known')
      req.log.warn(
        { reason: report.source.reason, code: report.source.errorCode, contextId: launch.context.id },
        'course roster not available, showing known members',
      );
    return { launch, pack, report };
  };
  const back = (res: Response, retried: number) =>
    res.redirect(303, `/modules/progress?lt=${currentLaunch(res).sessionId}&retried=${retried}`);

  router.get('/modules/progress', requireLaunch, async (req, res, next) => {
    try {
      const query = parse(pageQuery, req.query);
      const launch = currentLaunch(res);
      authorizeProgress(launch);
      if (isLanguage(query.lang) && query.lang !== launch.language) {
        await chooseLanguage(launch.sessionId, query.lang);
        launch.language = query.lang;
        res.locals.lang = query.lang;
      }
      const { pack, report } = await load(req, res);
      const t = translator(launch.language);
      res.render('modules/progress', {
        lang: launch.language,
        title: t('progress.title'),
        lt: launch.sessionId,
        languages: languageLinks(launch.language, (l) => `/modules/progress?lt=${launch.sessionId}&lang=${l}`),
        retried: query.retried,
        ...presentProgress(report, pack, launch.language, t),
        // Why grades wait, when the platform does not answer.
        gradePlatform: presentPlatformDelivery(await platformDelivery(launch.platform), launch.language, t),
      });
    } catch (error) {
      next(error);
    }
  });

  router.get('/modules/progress.csv', requireLaunch, async (req, res, next) => {
    try {
      const { launch, pack, report } = await load(req, res);
      const csv = toCsv(
        progressCsvRows(report, pack, launch.language, translator(launch.language)),
        csvSeparatorFor(launch.language),
      );
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${progressCsvFilename(pack)}"`)
        .set('Cache-Control', 'no-store')
        .send(csv);
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/progress/retry', form, requireLaunch, async (req, res, next) => {
    try {
      const { id } = parse(retryForm, req.body);
      const launch = currentLaunch(res);
      authorizeProgress(launch);
      await currentPackOf(modules, launch);
      const count = await retryGrade({ launch, outboxId: id });
      if (count) deps.onGradesRequeued?.();
      back(res, count);
    } catch (error) {
      next(error);
    }
  });

  router.post('/modules/progress/retry-all', form, requireLaunch, async (req, res, next) => {
    try {
      parse(retryAllForm, req.body);
      const launch = currentLaunch(res);
      authorizeProgress(launch);
      await currentPackOf(modules, launch);
      const count = await retryAllGrades({ launch });
      if (count) deps.onGradesRequeued?.();
      back(res, count);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
