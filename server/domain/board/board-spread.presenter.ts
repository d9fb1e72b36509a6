import type { CsvCell } from '../../http/csv';
import { translator, type Language } from '../../i18n';
import type { Region } from '../../store/models';
import { regionName } from '../regions/region.service';
import type { Spread } from './board-spread.service';
import { placeTiles } from './region-tiles';

// The matrix picture's geometry, in SVG user units (1 unit is 1 CSS pixel: the picture keeps its
// size and scrolls in its own box on a phone, so its 12-unit labels stay readable).
const CELL = 34;
const TOP = 34;
const LEVELS = 4;
/** A generous width per character of a 12-unit label, so a row label never runs out of the picture. */
const CHAR_WIDTH = 7;

type Axis = { code: string; label: string; short: string; wave: number };

/** A region's label: its name and rollout wave in the viewer's language, and its map tile's short label. */
const axis = (region: Region, lang: Language, short: Map<string, { short: string }>): Axis => ({
  code: region.code,
  wave: region.wave,
  short: short.get(region.code)?.short ?? region.code,
  label: `${regionName(region, lang)} (${translator(lang)('board.wave', { wave: region.wave })})`,
});

/** Shade of a cell: 1..LEVELS by its share of the largest count (0 for none). */
const level = (count: number, max: number) => (count ? Math.max(1, Math.ceil((LEVELS * count) / max)) : 0);

/**
 * The spread view: origin regions (rows) by adopting regions (columns), both ordered by wave, as
 * an HTML table, an SVG matrix with the same numbers, and totals per wave. `regions` is every
 * region in wave order (listRegions).
 */
export function presentSpread(spread: Spread, regions: Region[], lang: Language) {
  const t = translator(lang);
  const count = new Map(spread.flows.map((f) => [`${f.origin} ${f.adopter}`, f.adoptions]));
  const short = placeTiles(regions.map((r) => r.code));
  const rows = regions.filter((r) => spread.shared.has(r.code)).map((r) => axis(r, lang, short));
  const adopters = new Set(spread.flows.map((f) => f.adopter));
  const columns = regions.filter((r) => adopters.has(r.code)).map((r) => axis(r, lang, short));
  const max = Math.max(1, ...spread.flows.map((f) => f.adoptions));
  const cells = (row: Axis) => columns.map((column) => count.get(`${row.code} ${column.code}`) ?? 0);
  const table = rows.map((row) => ({
    ...row,
    shared: spread.shared.get(row.code) ?? 0,
    cells: cells(row),
    total: cells(row).reduce((a, b) => a + b, 0),
  }));
  const columnTotals = columns.map((_c, i) => table.reduce((sum, row) => sum + row.cells[i], 0));
  const total = columnTotals.reduce((a, b) => a + b, 0);
  const practices = [...spread.shared.values()].reduce((a, b) => a + b, 0);
  return {
    rows: table,
    columns,
    columnTotals,
    total,
    hasFlows: total > 0,
    waves: presentWaves(spread, regions, lang),
    svg: {
      ...matrixGeometry(table, columns, max),
      title: t('board.spread.svg_title'),
      desc: t('board.spread.svg_desc', { adoptions: total, practices, origins: rows.length, adopters: columns.length }),
    },
  };
}

/** Coordinates of the SVG matrix: labels, cells with a shade class, lines between waves. */
function matrixGeometry(rows: (Axis & { cells: number[] })[], columns: Axis[], max: number) {
  // The label column is as wide as the longest row label: nothing is clipped, nothing is wasted.
  const LABEL_WIDTH = 16 + Math.max(0, ...rows.map((r) => r.label.length)) * CHAR_WIDTH;
  const width = LABEL_WIDTH + columns.length * CELL + 10;
  const height = TOP + rows.length * CELL + 10;
  const waveBreaks = (list: Axis[]) => list.flatMap((item, i) => (i > 0 && item.wave !== list[i - 1].wave ? [i] : []));
  return {
    width,
    height,
    rowLabels: rows.map((row, i) => ({ x: LABEL_WIDTH - 8, y: TOP + i * CELL + CELL / 2 + 4, text: row.label })),
    // Columns carry the map's short labels, upright and centred: full names are the row labels, the key and the table.
    columnLabels: columns.map((column, i) => ({
      x: LABEL_WIDTH + i * CELL + (CELL - 2) / 2,
      y: TOP - 10,
      text: column.short,
      title: column.label,
    })),
    cells: rows.flatMap((row, r) =>
      row.cells.map((n, c) => ({
        x: LABEL_WIDTH + c * CELL,
        y: TOP + r * CELL,
        size: CELL - 2,
        level: level(n, max),
        count: n,
        textX: LABEL_WIDTH + c * CELL + (CELL - 2) / 2,
        textY: TOP + r * CELL + CELL / 2 + 3,
      })),
    ),
    lines: [
      ...waveBreaks(rows).map((i) => ({ x1: 0, y1: TOP + i * CELL - 1, x2: width, y2: TOP + i * CELL - 1 })),
      ...waveBreaks(columns).map((i) => ({
        x1: LABEL_WIDTH + i * CELL - 1,
        y1: 0,
        x2: LABEL_WIDTH + i * CELL - 1,
        y2: height,
      })),
    ],
  };
}

/**
 * Per rollout wave: practices its regions shared, adoptions of those practices anywhere,
 * adoptions its regions made, and how many of those came from earlier waves.
 */
function presentWaves(spread: Spread, regions: Region[], lang: Language) {
  const waveOf = new Map(regions.map((r) => [r.code, r.wave]));
  const waves = [...new Set(regions.map((r) => r.wave))].sort((a, b) => a - b);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return waves.map((wave) => {
    const codes = new Set(regions.filter((r) => r.wave === wave).map((r) => r.code));
    const made = spread.flows.filter((f) => codes.has(f.adopter));
    return {
      wave,
      label: translator(lang)('board.wave', { wave }),
      regions: codes.size,
      shared: sum([...codes].map((c) => spread.shared.get(c) ?? 0)),
      adoptedAnywhere: sum(spread.flows.filter((f) => codes.has(f.origin)).map((f) => f.adoptions)),
      adoptionsMade: sum(made.map((f) => f.adoptions)),
      fromEarlierWaves: sum(made.filter((f) => (waveOf.get(f.origin) ?? wave) < wave).map((f) => f.adoptions)),
    };
  });
}

/** The spread as CSV rows: one per origin and adopting region pair with adoptions, header first. */
export function spreadCsvRows(spread: Spread, regions: Region[], lang: Language): CsvCell[][] {
  const t = translator(lang);
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const order = new Map(regions.map((r, i) => [r.code, i]));
  const position = (code: string) => order.get(code) ?? regions.length;
  const flows = [...spread.flows].sort(
    (a, b) => position(a.origin) - position(b.origin) || position(a.adopter) - position(b.adopter),
  );
  const name = (code: string) => {
    const region = byCode.get(code);
    return region ? regionName(region, lang) : code;
  };
  const header = ['origin_code', 'origin', 'origin_wave', 'adopter_code', 'adopter', 'adopter_wave', 'adoptions'].map(
    (column) => t(`board.spread.csv.${column}`),
  );
  return [
    header,
    ...flows.map((f) => [
      f.origin,
      name(f.origin),
      byCode.get(f.origin)?.wave,
      f.adopter,
      name(f.adopter),
      byCode.get(f.adopter)?.wave,
      f.adoptions,
    ]),
  ];
}
