import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import type { Launch } from '../../domain/launches/launch.service';
import { listRegions, regionName, regionOf } from '../../domain/regions/region.service';
import { outcomeCsvRows, outcomeFilename, outcomeMarkdown } from '../../domain/sessions/session-outcome.export';
import { presentOutcomePage } from '../../domain/sessions/session-outcome.presenter';
import { loadOutcome, publishOutcome } from '../../domain/sessions/session-outcome.service';
import { SiltaError, ValidationError } from '../../errors';
import { languageLinks, translator } from '../../i18n';
import { toCsv } from '../csv';
import { currentLaunch, requireLaunch } from '../launch-session';
import { rateLimit } from '../rate-limit';

/** A session id in the path: anything but a positive integer is a session that does not exist. */
const sessionIdSchema = z.coerce.number().int().positive().max(2_147_483_647);

/** The publish form: the launch token, and the region when the facilitator has none yet ("" = not chosen). */
const publishSchema = z
  .object({
    lt: z.string(),
    region: z
      .string()
      .regex(/^[a-z0-9-]{0,40}$/)
      .optional()
      .transform((v) => v || undefined),
  })
  .strict();

const sessionIdOf = (req: Request) => {
  const parsed = sessionIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new SiltaError('session_not_found', 'not_found', String(req.params.id));
  return parsed.data;
};

type Handler = (req: Request, res: Response, launch: Launch) => Promise<void>;

/**
 * A session's outcome over HTTP (issue 5): the printable summary page, its Markdown and CSV
 * exports, and the facilitator's "publish to board" that makes a draft practice of it.
 */
export function sessionOutcomeRoutes(deps: { sequelize: Sequelize; postsPerMinute: number }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const handle = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    handler(req, res, currentLaunch(res)).catch(next);
  };

  router.get(
    '/sessions/:id/outcome',
    requireLaunch,
    handle(async (req, res, launch) => {
      const outcome = await loadOutcome({ launch, sessionId: sessionIdOf(req) });
      const lang = launch.language;
      const needsRegion = outcome.facilitator && !(await regionOf(launch)).region;
      const regions = needsRegion
        ? (await listRegions()).map((r) => ({ value: r.code, label: regionName(r, lang) }))
        : [];
      const path = `/sessions/${outcome.session.id}/outcome`;
      res.render('sessions/outcome', {
        lang,
        title: translator(lang)('session_outcome.title', { title: outcome.session.title }),
        lt: launch.sessionId,
        languages: languageLinks(lang, (l) => `${path}?lt=${launch.sessionId}&lang=${l}`),
        ...presentOutcomePage({ outcome, lang, lt: launch.sessionId, needsRegion, regions }),
      });
    }),
  );

  router.get(
    '/sessions/:id/outcome.:format(md|csv)',
    requireLaunch,
    handle(async (req, res, launch) => {
      const outcome = await loadOutcome({ launch, sessionId: sessionIdOf(req) });
      const markdown = req.params.format === 'md';
      res
        .status(200)
        .type(markdown ? 'text/markdown; charset=utf-8' : 'text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${outcomeFilename(outcome, markdown ? 'md' : 'csv')}"`)
        .set('Cache-Control', 'no-store')
        .send(markdown ? outcomeMarkdown(outcome, launch.language) : toCsv(outcomeCsvRows(outcome, launch.language)));
    }),
  );

  router.post(
    '/sessions/:id/outcome/publish',
    rateLimit({ perMinute: deps.postsPerMinute, key: (req) => req.ip }),
    form,
    requireLaunch,
    handle(async (req, res, launch) => {
      const sessionId = sessionIdOf(req);
      const parsed = publishSchema.safeParse(req.body);
      if (!parsed.success)
        throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      const practice = await publishOutcome({
        sequelize: deps.sequelize,
        launch,
        sessionId,
        region: parsed.data.region,
      });
      res.redirect(303, `/board/practices/${practice.id}/edit?lt=${launch.sessionId}`);
    }),
  );
  return router;
}
