import { formatNumber, formatScore, percentOfGrade } from '../../domain/grades/score-format';
import { Router, type Request, type Response } from 'express';
import { SiltaError } from '../../errors';
import { adminFormErrors } from './admin-form-errors';
import { failedGrades, outboxByPlatform, retryOne, retryPlatform } from '../../domain/admin/grade-sync.service';
import { presentPlatformDelivery } from '../../domain/grades/grade-delivery.presenter';
import { platformDeliveries, type PlatformDelivery } from '../../domain/grades/platform-health.service';
import { listPlatforms } from '../../domain/admin/platform-admin.service';
import { csrfOnlyForm, idParam, noticeQuery, platformKeyForm } from '../../domain/admin/admin.schema';
import { translator } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { formatTime, noticeOf } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';

const FAILURES_SHOWN = 50;

/** Grade sync: the outbox per platform, the failures with the platform's words, and "send again". */
export function gradeRoutes(deps: AdminDeps): Router {
  const router = Router();
  /**
   * The page; a refused "send again" (a row already sent or gone, a forged platform) shows it again
   * with the error summary saying why, instead of an error page.
   */
  const gradesPage = async (req: Request, res: Response, refused?: SiltaError) => {
    const query = refused ? {} : parseInput(noticeQuery, req.query);
    const lang = langOf(res);
    const form = refused ? adminFormErrors(refused, {}, translator(lang)) : undefined;
    const t = translator(lang);
    const now = Date.now();
    const platforms = await listPlatforms(deps.registry);
    const nameOf = (issuer: string, clientId: string) =>
      platforms.find((p) => p.issuer === issuer && p.clientId === clientId)?.name ?? issuer;
    const deliveries = await platformDeliveries();
    const deliveryOf = (issuer: string, clientId: string): PlatformDelivery =>
      deliveries.find((d) => d.issuer === issuer && d.clientId === clientId) ?? {
        issuer,
        clientId,
        reachable: true,
        failingSince: null,
        nextTryAt: null,
        lastErrorCode: null,
        lastError: null,
        lastSuccessAt: null,
      };
    const outboxes = (await outboxByPlatform()).map((o) => ({
      ...o,
      delivery: presentPlatformDelivery(deliveryOf(o.issuer, o.clientId), lang, t),
      name: nameOf(o.issuer, o.clientId),
      oldest: o.oldestPendingAt
        ? t('admin.grades.age_minutes', {
            minutes: Math.max(0, Math.round((now - o.oldestPendingAt.getTime()) / 60_000)),
          })
        : null,
    }));
    const failures = await failedGrades(FAILURES_SHOWN);
    const rows = failures.rows.map(({ row, userName, linkTitle }) => ({
      id: row.id,
      platform: nameOf(row.issuer, row.clientId),
      user: userName ?? `#${row.userId}`,
      link: linkTitle ?? `#${row.resourceLinkId}`,
      // The same score as the trainee and teacher see, by the one rule (score-format.ts).
      score: `${formatScore(percentOfGrade(row.scoreGiven, row.scoreMaximum), lang)} (${formatNumber(row.scoreGiven, lang)} / ${formatNumber(row.scoreMaximum, lang)})`,
      tries: row.tries,
      message: row.lastError ?? (row.lastErrorCode ? t(`errors.${row.lastErrorCode}`) : ''),
      updated: formatTime(row.updatedAt, lang),
    }));
    renderAdmin(
      req,
      res,
      'grades',
      'admin.grades.title',
      {
        outboxes,
        failures: rows,
        failuresMore: failures.count > rows.length ? { shown: rows.length, count: failures.count } : null,
        notice: noticeOf(query, lang, { retried: 'admin.grades.retried' }),
        errors: form?.errors,
      },
      form?.status,
    );
  };
  router.get(
    '/grades',
    handle((req, res) => gradesPage(req, res)),
  );
  /** Runs a "send again"; a refusal the admin can act on re-renders the page with its reason. */
  const retry = (work: (req: Request) => Promise<number>) =>
    handle(async (req, res) => {
      let count: number;
      try {
        count = await work(req);
      } catch (error) {
        if (!(error instanceof SiltaError)) throw error;
        await gradesPage(req, res, error);
        return;
      }
      requeued(count);
      res.redirect(303, `/admin/grades?done=retried&count=${count}`);
    });
  const requeued = (count: number) => {
    if (count) deps.onGradesRequeued?.();
  };
  router.post(
    '/grades/retry-all',
    retry((req) => retryPlatform(parseInput(platformKeyForm, req.body))),
  );
  router.post(
    '/grades/:id/retry',
    retry((req) => {
      const { id } = parseInput(idParam, req.params);
      parseInput(csrfOnlyForm, req.body);
      return retryOne(id);
    }),
  );
  return router;
}
