import type { CsvCell } from '../../http/csv';
import { translator, type Language } from '../../i18n';
import type { Region } from '../../store/models';
import { regionName } from '../regions/region.service';
import type { BoardActivity } from './board.report';
import type { Completions } from './completions.report';
import { monthLabel, type MonthKey, type ReportPeriod } from './report-period';
import type { MonthParticipation } from './sessions.report';
import { barChart, columnChart } from './svg-chart';
import { heatmap } from './svg-heatmap';

/** The numbers of one chart as a table: the page shows it under the chart and the CSV is the same table. */
export type ReportTable = {
  caption: string;
  rowHeader: string;
  columns: string[];
  rows: { head: string; cells: number[] }[];
  totals?: number[];
};
/** One chart of a report page: its picture (when it has one) and its table. */
export type ReportChart = { key: string; heading: string; svg?: string; table: ReportTable };

type Context = { lang: Language; period: ReportPeriod; regions: Region[] };

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const columnTotals = (rows: { cells: number[] }[], width: number) =>
  Array.from({ length: width }, (_v, i) => sum(rows.map((r) => r.cells[i])));

function periodText(ctx: Context) {
  return { from: monthLabel(ctx.period.from, ctx.lang, 'long'), to: monthLabel(ctx.period.to, ctx.lang, 'long') };
}

/** A region's label with its rollout wave; a code no longer in the list is shown as it is. */
function regionLabel(code: string | null, ctx: Context): string {
  const t = translator(ctx.lang);
  if (code === null) return t('admin.reports.no_region');
  const region = ctx.regions.find((r) => r.code === code);
  return region ? t('admin.reports.region_wave', { region: regionName(region, ctx.lang), wave: region.wave }) : code;
}

/** The table of a series per month: one row per month, a total column when there are several series. */
function monthTable(
  caption: string,
  series: string[],
  months: MonthKey[],
  valueOf: (month: MonthKey, s: number) => number,
  ctx: Context,
  withTotal: boolean,
): ReportTable {
  const t = translator(ctx.lang);
  const rows = months.map((month) => {
    const cells = series.map((_s, i) => valueOf(month, i));
    return { head: monthLabel(month, ctx.lang, 'long'), cells: withTotal ? [...cells, sum(cells)] : cells };
  });
  const columns = withTotal ? [...series, t('admin.reports.total')] : series;
  return { caption, rowHeader: t('admin.reports.month'), columns, rows, totals: columnTotals(rows, columns.length) };
}

/** Module completions: by region (bars, every region in wave order and "no region") and by month, stacked by module. */
export function presentCompletions(
  data: Completions,
  moduleTitle: (slug: string) => string,
  ctx: Context,
): ReportChart[] {
  const t = translator(ctx.lang);
  const when = periodText(ctx);
  const codes: (string | null)[] = [
    ...ctx.regions.map((r) => r.code),
    ...[...data.byRegion.keys()].filter((c) => c !== null && !ctx.regions.some((r) => r.code === c)),
    null,
  ];
  const regionRows = codes.map((code) => ({ head: regionLabel(code, ctx), cells: [data.byRegion.get(code) ?? 0] }));
  const byRegionTitle = t('admin.reports.completions.by_region');
  const modules = data.modules.map(moduleTitle);
  const byMonthTitle = t('admin.reports.completions.by_month');
  return [
    {
      key: 'by-region',
      heading: byRegionTitle,
      svg: barChart({
        id: 'chart-by-region',
        title: byRegionTitle,
        desc: t('admin.reports.completions.desc', { total: data.total, ...when }),
        labels: regionRows.map((r) => r.head),
        values: regionRows.map((r) => r.cells[0]),
      }),
      table: {
        caption: byRegionTitle,
        rowHeader: t('admin.reports.region'),
        columns: [t('admin.reports.completions.count')],
        rows: regionRows,
        totals: [data.total],
      },
    },
    {
      key: 'by-month',
      heading: byMonthTitle,
      svg: columnChart({
        id: 'chart-by-month',
        title: byMonthTitle,
        desc: t('admin.reports.completions.desc', { total: data.total, ...when }),
        categories: ctx.period.months.map((m) => monthLabel(m, ctx.lang, 'short')),
        series: modules.length ? modules : [t('admin.reports.completions.count')],
        values: ctx.period.months.map((m) =>
          data.modules.length ? data.modules.map((slug) => data.byMonth.get(m)?.get(slug) ?? 0) : [0],
        ),
        stacked: true,
      }),
      table: monthTable(
        byMonthTitle,
        modules,
        ctx.period.months,
        (m, i) => data.byMonth.get(m)?.get(data.modules[i]) ?? 0,
        ctx,
        true,
      ),
    },
  ];
}

/** Board activity per month (grouped columns), adoptions between regions (a matrix) and between waves (a table). */
export function presentBoard(data: BoardActivity, ctx: Context): ReportChart[] {
  const t = translator(ctx.lang);
  const when = periodText(ctx);
  const keys = ['practices', 'comments', 'adoptions'] as const;
  const series = keys.map((k) => t(`admin.reports.board.${k}`));
  const activityTitle = t('admin.reports.board.activity');
  const totals = keys.map((k) => sum([...data.byMonth.values()].map((m) => m[k])));

  const order = new Map(ctx.regions.map((r, i) => [r.code, i]));
  const sorted = (codes: Set<string>) =>
    [...codes].sort((a, b) => (order.get(a) ?? 1e6) - (order.get(b) ?? 1e6) || a.localeCompare(b));
  const origins = sorted(new Set(data.flows.map((f) => f.origin)));
  const adopters = sorted(new Set(data.flows.map((f) => f.adopter)));
  const count = (origin: string, adopter: string) =>
    data.flows.find((f) => f.origin === origin && f.adopter === adopter)?.adoptions ?? 0;
  const matrixRows = origins.map((o) => ({
    head: regionLabel(o, ctx),
    cells: [...adopters.map((a) => count(o, a)), sum(adopters.map((a) => count(o, a)))],
  }));
  const waveOf = (code: string) => ctx.regions.find((r) => r.code === code)?.wave;
  const breaks = (codes: string[]) => codes.flatMap((c, i) => (i > 0 && waveOf(c) !== waveOf(codes[i - 1]) ? [i] : []));
  const adoptionsTitle = t('admin.reports.board.adoptions_title');
  const total = sum(data.flows.map((f) => f.adoptions));

  const waves = [...new Set(ctx.regions.map((r) => r.wave))].sort((a, b) => a - b);
  const waveCount = (from: number, to: number) =>
    sum(data.flows.filter((f) => waveOf(f.origin) === from && waveOf(f.adopter) === to).map((f) => f.adoptions));
  const waveRows = waves.map((w) => ({
    head: t('admin.reports.wave', { wave: w }),
    cells: [...waves.map((to) => waveCount(w, to)), sum(waves.map((to) => waveCount(w, to)))],
  }));
  const wavesTitle = t('admin.reports.board.waves');
  return [
    {
      key: 'activity',
      heading: activityTitle,
      svg: columnChart({
        id: 'chart-activity',
        title: activityTitle,
        desc: t('admin.reports.board.activity_desc', {
          practices: totals[0],
          comments: totals[1],
          adoptions: totals[2],
          ...when,
        }),
        categories: ctx.period.months.map((m) => monthLabel(m, ctx.lang, 'short')),
        series,
        values: ctx.period.months.map((m) => keys.map((k) => data.byMonth.get(m)![k])),
      }),
      table: monthTable(activityTitle, series, ctx.period.months, (m, i) => data.byMonth.get(m)![keys[i]], ctx, false),
    },
    {
      key: 'adoptions',
      heading: adoptionsTitle,
      svg: total
        ? heatmap({
            id: 'chart-adoptions',
            title: adoptionsTitle,
            desc: t('admin.reports.board.adoptions_desc', {
              adoptions: total,
              origins: origins.length,
              adopters: adopters.length,
              ...when,
            }),
            rows: origins.map((o) => regionLabel(o, ctx)),
            columns: adopters.map((a) => regionLabel(a, ctx)),
            values: matrixRows.map((r) => r.cells.slice(0, -1)),
            rowBreaks: breaks(origins),
            columnBreaks: breaks(adopters),
          })
        : undefined,
      table: {
        caption: adoptionsTitle,
        rowHeader: t('admin.reports.board.origin'),
        columns: [...adopters.map((a) => regionLabel(a, ctx)), t('admin.reports.total')],
        rows: matrixRows,
        totals: columnTotals(matrixRows, adopters.length + 1),
      },
    },
    {
      key: 'waves',
      heading: wavesTitle,
      table: {
        caption: wavesTitle,
        rowHeader: t('admin.reports.board.origin_wave'),
        columns: [...waves.map((w) => t('admin.reports.wave', { wave: w })), t('admin.reports.total')],
        rows: waveRows,
        totals: columnTotals(waveRows, waves.length + 1),
      },
    },
  ];
}

/** Session participation per month: sessions, participants, notes and votes as grouped columns. */
export function presentSessions(data: Map<MonthKey, MonthParticipation>, ctx: Context): ReportChart[] {
  const t = translator(ctx.lang);
  const keys = ['sessions', 'participants', 'notes', 'votes'] as const;
  const series = keys.map((k) => t(`admin.reports.sessions.${k}`));
  const title = t('admin.reports.sessions.participation');
  const totals = keys.map((k) => sum([...data.values()].map((m) => m[k])));
  return [
    {
      key: 'participation',
      heading: title,
      svg: columnChart({
        id: 'chart-participation',
        title,
        desc: t('admin.reports.sessions.desc', {
          sessions: totals[0],
          notes: totals[2],
          votes: totals[3],
          ...periodText(ctx),
        }),
        categories: ctx.period.months.map((m) => monthLabel(m, ctx.lang, 'short')),
        series,
        values: ctx.period.months.map((m) => keys.map((k) => data.get(m)![k])),
      }),
      // No totals row: the same person takes part in several months.
      table: {
        ...monthTable(title, series, ctx.period.months, (m, i) => data.get(m)![keys[i]], ctx, false),
        totals: undefined,
      },
    },
  ];
}

/** A chart's table as CSV rows: the header, a row per table row, the totals. */
export function tableCsvRows(table: ReportTable, lang: Language): CsvCell[][] {
  const rows: CsvCell[][] = [[table.rowHeader, ...table.columns], ...table.rows.map((r) => [r.head, ...r.cells])];
  if (table.totals) rows.push([translator(lang)('admin.reports.total'), ...table.totals]);
  return rows;
}
