import { esc, INK, svgOpen, textWidth } from './svg-chart';

/** Shades from light to dark, each with the text colour that keeps 4.5:1 on it. */
const SHADES = [
  { fill: '#ffffff', text: INK },
  { fill: '#dbe9f6', text: INK },
  { fill: '#9ec5e8', text: INK },
  { fill: '#2f6ea8', text: '#ffffff' },
  { fill: '#163f66', text: '#ffffff' },
] as const;

const CELL = 32;
// Column labels are turned 55 degrees: they take this share of their length across and up.
const ACROSS = Math.cos((55 * Math.PI) / 180);
const UP = Math.sin((55 * Math.PI) / 180);

export type Heatmap = {
  id: string;
  title: string;
  desc: string;
  rows: readonly string[];
  columns: readonly string[];
  /** values[row][column]. */
  values: readonly (readonly number[])[];
  /** Indexes where a new group (a rollout wave) starts, drawn as a thicker line. */
  rowBreaks?: readonly number[];
  columnBreaks?: readonly number[];
};

/** Shade 1..4 by a count's share of the largest (0 for none). */
const level = (count: number, max: number) => (count ? Math.max(1, Math.ceil((4 * count) / max)) : 0);

/** A matrix: a row label and a column label per cell, the count written in every non-empty cell. */
export function heatmap(chart: Heatmap): string {
  const max = Math.max(1, ...chart.values.flat());
  const labelWidth = Math.ceil(12 + Math.max(60, ...chart.rows.map(textWidth)));
  const longest = Math.max(0, ...chart.columns.map(textWidth));
  const top = Math.ceil(16 + longest * UP);
  const width = Math.ceil(labelWidth + chart.columns.length * CELL + longest * ACROSS + 10);
  const height = top + chart.rows.length * CELL + 10;
  const parts = [svgOpen(chart.id, width, height, chart.title, chart.desc)];
  chart.columns.forEach((label, c) => {
    parts.push(
      `<text transform="translate(${labelWidth + c * CELL + CELL / 2 + 4} ${top - 8}) rotate(-55)" fill="${INK}">${esc(label)}</text>`,
    );
  });
  chart.rows.forEach((label, r) => {
    const y = top + r * CELL;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + CELL / 2 + 4}" text-anchor="end" fill="${INK}">${esc(label)}</text>`,
    );
    chart.values[r].forEach((count, c) => {
      const shade = SHADES[level(count, max)];
      const x = labelWidth + c * CELL;
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL - 2}" height="${CELL - 2}" fill="${shade.fill}" stroke="#8a949e" stroke-width="0.75"/>`,
      );
      if (count)
        parts.push(
          `<text x="${x + (CELL - 2) / 2}" y="${y + CELL / 2 + 3}" text-anchor="middle" fill="${shade.text}">${count}</text>`,
        );
    });
  });
  for (const r of chart.rowBreaks ?? [])
    parts.push(
      `<line x1="0" x2="${width}" y1="${top + r * CELL - 1}" y2="${top + r * CELL - 1}" stroke="${INK}" stroke-width="2"/>`,
    );
  for (const c of chart.columnBreaks ?? [])
    parts.push(
      `<line x1="${labelWidth + c * CELL - 1}" x2="${labelWidth + c * CELL - 1}" y1="0" y2="${height}" stroke="${INK}" stroke-width="2"/>`,
    );
  parts.push('</svg>');
  return parts.join('');
}
