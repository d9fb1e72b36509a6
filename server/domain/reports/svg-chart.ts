/**
 * A small server-side SVG chart renderer for the reports: column charts (grouped or stacked, one
 * column group per month), horizontal bar charts and a matrix (svg-heatmap.ts). Every chart is an
 * image with a <title> and a <desc>; each series has a colour AND a pattern, and values are
 * written on the chart, so colour never carries meaning alone. Each chart on a page is followed
 * by a table of the same numbers. No inline styles (the CSP forbids them): presentation
 * attributes only.
 */

/** Series colours: each has at least 3:1 contrast with white (WCAG 1.4.11), told apart by pattern too. */
const COLOURS = ['#1f5f99', '#a34f00', '#2b6e2f', '#6a3d9a'] as const;
export const INK = '#1b1f24';
const GRID = '#8a949e';
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Escapes text for SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** The opening of a chart: role, accessible name and description, the patterns of its series. */
export function svgOpen(
  id: string,
  width: number,
  height: number,
  title: string,
  desc: string,
  seriesCount = 0,
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" id="${esc(id)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" width="${fmt(width)}" height="${fmt(height)}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" ${FONT}>`,
    `<title id="${esc(id)}-title">${esc(title)}</title>`,
    `<desc id="${esc(id)}-desc">${esc(desc)}</desc>`,
    seriesCount ? `<defs>${Array.from({ length: seriesCount }, (_v, i) => pattern(id, i)).join('')}</defs>` : '',
  ].join('');
}

/** Series 0 is solid; the others carry white stripes, dots or a grid over their colour. */
function pattern(id: string, index: number): string {
  const colour = COLOURS[index % COLOURS.length];
  const base = `<rect width="8" height="8" fill="${colour}"/>`;
  const marks = [
    '',
    '<rect width="2.5" height="8" fill="#ffffff"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    '<path d="M0 4H8M4 0V8" stroke="#ffffff" stroke-width="1.5"/>',
  ][index % 4];
  const turn = index % 4 === 1 ? ' patternTransform="rotate(45)"' : '';
  return `<pattern id="${esc(id)}-s${index}" patternUnits="userSpaceOnUse" width="8" height="8"${turn}>${base}${marks}</pattern>`;
}

/** The fill of a series. */
export const seriesFill = (id: string, index: number) => `url(#${esc(id)}-s${index})`;

/** Roughly how wide a text of 12-unit type is (no layout engine here; a little generous). */
export const textWidth = (text: string) => text.length * 6.8;

const LEGEND_ROW = 20;

/** The legend at the top, one series per row: swatch (colour and pattern) and label. */
function legend(id: string, series: readonly string[], x: number): string {
  return series
    .map((label, i) => {
      const y = 18 + i * LEGEND_ROW;
      return `<rect x="${fmt(x)}" y="${fmt(y - 11)}" width="14" height="14" fill="${seriesFill(id, i)}" stroke="${INK}"/><text x="${fmt(x + 20)}" y="${fmt(y)}" fill="${INK}">${esc(label)}</text>`;
    })
    .join('');
}

/** A round step for about `parts` grid lines up to `max` (1, 2 or 5 times a power of ten). */
export function niceStep(max: number, parts = 4): number {
  const rough = Math.max(1, max / parts);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return Math.max(1, step);
}

export type ColumnChart = {
  id: string;
  title: string;
  desc: string;
  /** Axis labels, one per column group (e.g. months). */
  categories: readonly string[];
  /** Series labels (the legend); a single series has no legend. */
  series: readonly string[];
  /** values[category][series]. */
  values: readonly (readonly number[])[];
  stacked?: boolean;
};

const PLOT_HEIGHT = 220;
const LEFT = 48;

/** A column chart: grouped columns per category, or stacked with the total above each stack. */
export function columnChart(chart: ColumnChart): string {
  const { id, series, categories, values, stacked = false } = chart;
  const perGroup = stacked ? 1 : series.length;
  const barWidth = stacked ? 28 : Math.max(12, Math.min(24, 60 / series.length));
  const slot = perGroup * barWidth + 22;
  const top = series.length > 1 ? 12 + series.length * LEGEND_ROW : 20;
  const width = Math.max(360, LEFT + categories.length * slot + 16, LEFT + 28 + Math.max(0, ...series.map(textWidth)));
  const height = top + PLOT_HEIGHT + 64;
  const totals = values.map((row) => (stacked ? row.reduce((a, b) => a + b, 0) : Math.max(0, ...row)));
  const step = niceStep(Math.max(1, ...totals));
  const max = Math.ceil(Math.max(1, ...totals) / step) * step;
  const y = (v: number) => top + PLOT_HEIGHT - (v / max) * PLOT_HEIGHT;
  const parts: string[] = [svgOpen(id, width, height, chart.title, chart.desc, series.length)];
  if (series.length > 1) parts.push(legend(id, series, LEFT));
  for (let v = 0; v <= max; v += step) {
    parts.push(
      `<line x1="${LEFT}" x2="${fmt(width - 8)}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="${GRID}" stroke-width="${v ? 0.5 : 1}"/>`,
    );
    parts.push(`<text x="${LEFT - 6}" y="${fmt(y(v) + 4)}" text-anchor="end" fill="${INK}">${v}</text>`);
  }
  categories.forEach((label, c) => {
    const x0 = LEFT + c * slot + 11;
    let base = 0;
    values[c].forEach((value, s) => {
      if (!value) return;
      const x = stacked ? x0 : x0 + s * barWidth;
      const from = stacked ? base : 0;
      parts.push(
        `<rect x="${fmt(x)}" y="${fmt(y(from + value))}" width="${fmt(barWidth - 2)}" height="${fmt(y(from) - y(from + value))}" fill="${seriesFill(id, s)}" stroke="${INK}" stroke-width="0.75"/>`,
      );
      if (!stacked)
        parts.push(
          `<text x="${fmt(x + (barWidth - 2) / 2)}" y="${fmt(y(value) - 3)}" text-anchor="middle" fill="${INK}" font-size="10">${value}</text>`,
        );
      base += value;
    });
    if (stacked && totals[c])
      parts.push(
        `<text x="${fmt(x0 + (barWidth - 2) / 2)}" y="${fmt(y(totals[c]) - 3)}" text-anchor="middle" fill="${INK}" font-size="11">${totals[c]}</text>`,
      );
    const labelX = x0 + (perGroup * barWidth) / 2;
    parts.push(
      `<text transform="translate(${fmt(labelX)} ${fmt(top + PLOT_HEIGHT + 14)}) rotate(-40)" text-anchor="end" fill="${INK}">${esc(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

export type BarChart = {
  id: string;
  title: string;
  desc: string;
  labels: readonly string[];
  values: readonly number[];
};

const BAR_PLOT_WIDTH = 360;
const ROW = 24;

/** A horizontal bar chart of one series, a label and the value on every row. */
export function barChart(chart: BarChart): string {
  const max = Math.max(1, ...chart.values);
  const labelWidth = 12 + Math.max(60, ...chart.labels.map(textWidth));
  const width = labelWidth + BAR_PLOT_WIDTH + 48;
  const height = 12 + chart.labels.length * ROW + 8;
  const parts = [svgOpen(chart.id, width, height, chart.title, chart.desc, 1)];
  chart.labels.forEach((label, i) => {
    const top = 12 + i * ROW;
    const length = (chart.values[i] / max) * BAR_PLOT_WIDTH;
    parts.push(`<text x="${labelWidth - 8}" y="${top + 15}" text-anchor="end" fill="${INK}">${esc(label)}</text>`);
    if (chart.values[i])
      parts.push(
        `<rect x="${labelWidth}" y="${top + 3}" width="${fmt(length)}" height="${ROW - 6}" fill="${seriesFill(chart.id, 0)}" stroke="${INK}" stroke-width="0.75"/>`,
      );
    parts.push(`<text x="${fmt(labelWidth + length + 6)}" y="${top + 15}" fill="${INK}">${chart.values[i]}</text>`);
  });
  parts.push(`<line x1="${labelWidth}" x2="${labelWidth}" y1="8" y2="${height - 4}" stroke="${INK}"/>`);
  parts.push('</svg>');
  return parts.join('');
}
