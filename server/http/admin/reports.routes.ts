import { Router, type Request, type Response } from 'express';
import { listPlatforms } from '../../domain/admin/platform-admin.service';
import { listRegions } from '../../domain/regions/region.service';
import { boardReport } from '../../domain/reports/board.report';
import { completionsReport } from '../../domain/reports/completions.report';
import type { ReportPeriod } from '../../domain/reports/report-period';
import {
  presentBoard,
  presentCompletions,
  presentSessions,
  tableCsvRows,
  type ReportChart,
} from '../../domain/reports/reports.presenter';
import {
  csvParam,
  periodOf,
  reportParam,
  reportQuery,
  REPORTS,
  type ReportName,
  type ReportQuery,
} from '../../domain/reports/reports.schema';
import { sessionsReport } from '../../domain/reports/sessions.report';
import { notFound, SiltaError } from '../../errors';
import { translator, type Language } from '../../i18n';
import { toCsv } from '../csv';
import type { AdminDeps } from './admin.routes';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';

/** The filter as a query string for links (tabs, CSV), without the language. */
function filterQuery(query: ReportQuery): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'platform'] as const) if (query[key]) params.set(key, query[key]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Reports: module completions, board activity and practice adoption, session participation.
 * Each chart is an SVG drawn here, followed by the same numbers as a table and a CSV download.
 */
export function reportRoutes(deps: AdminDeps): Router {
  const router = Router();
  const platformsOf = async () => {
    const seen = new Map<string, string>();
    for (const p of await listPlatforms(deps.registry)) if (!seen.has(p.issuer)) seen.set(p.issuer, p.name);
    return [...seen].map(([issuer, name]) => ({ issuer, name }));
  };

  const chartsOf = async (report: ReportName, period: ReportPeriod, lang: Language): Promise<ReportChart[]> => {
    const ctx = { lang, period, regions: await listRegions() };
    if (report === 'completions') {
      const packs = await deps.modules.currentAll();
      return presentCompletions(
        await completionsReport(deps.sequelize, period),
        (slug) => packs.get(slug)?.title[lang] ?? slug,
        ctx,
      );
    }
    if (report === 'board') return presentBoard(await boardReport(deps.sequelize, period), ctx);
    return presentSessions(await sessionsReport(period), ctx);
  };

  router.get('/reports', (req, res) => {
    const query = new URL(req.originalUrl, 'http://x').search;
    res.redirect(303, `/admin/reports/completions${query}`);
  });

  router.get(
    '/reports/:report',
    handle(async (req: Request, res: Response) => {
      const { report } = parseInput(reportParam, req.params);
      const query = parseInput(reportQuery, req.query);
      const lang = langOf(res);
      const t = translator(lang);
      const platforms = await platformsOf();
      const suffix = filterQuery(query);
      const page = {
        report,
        tabs: (Object.keys(REPORTS) as ReportName[]).map((name) => ({
          href: `/admin/reports/${name}${suffix}`,
          label: t(`admin.reports.${name}.title`),
          current: name === report,
        })),
        filter: {
          from: query.from ?? '',
          to: query.to ?? '',
          platforms: platforms.map((p) => ({ ...p, selected: p.issuer === query.platform })),
        },
      };
      let period: ReportPeriod;
      try {
        period = periodOf(
          query,
          platforms.map((p) => p.issuer),
        );
      } catch (error) {
        if (!(error instanceof SiltaError)) throw error;
        req.log.info({ code: error.code }, 'report filter refused');
        renderAdmin(
          req,
          res,
          'reports',
          `admin.reports.${report}.title`,
          { ...page, error: t(`errors.${error.code}`, error.params) },
          400,
        );
        return;
      }
      const charts = (await chartsOf(report, period, lang)).map((chart) => ({
        ...chart,
        csvHref: `/admin/reports/${report}/${chart.key}.csv${filterQuery({ ...query, from: period.from, to: period.to })}`,
      }));
      page.filter.from = period.from;
      page.filter.to = period.to;
      renderAdmin(req, res, 'reports', `admin.reports.${report}.title`, {
        ...page,
        charts,
        lead: t(`admin.reports.${report}.lead`),
      });
    }),
  );

  router.get(
    '/reports/:report/:chart.csv',
    handle(async (req, res) => {
      const { report, chart } = parseInput(csvParam, req.params);
      const query = parseInput(reportQuery, req.query);
      const period = periodOf(
        query,
        (await platformsOf()).map((p) => p.issuer),
      );
      const lang = langOf(res);
      const found = (await chartsOf(report, period, lang)).find((c) => c.key === chart);
      if (!found) throw notFound();
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="silta-${report}-${chart}-${period.from}-${period.to}.csv"`,
      );
      res.send(toCsv(tableCsvRows(found.table, lang)));
    }),
  );
  return router;
}
