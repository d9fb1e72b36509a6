/**
 * Where each region sits on the tile-grid map of Finland: one square per region, placed by its
 * rough geography (column 0 is the west coast, row 0 is Lapland), and a short label that fits a
 * tile. Regions are data an admin may add to; a region missing here gets a tile in an extra row
 * below the map, so the map never loses one.
 */
export const TILE_LAYOUT: Record<string, { col: number; row: number; short: string }> = {
  lappi: { col: 3, row: 0, short: 'LAP' },
  'pohjois-pohjanmaa': { col: 2, row: 1, short: 'PPO' },
  kainuu: { col: 3, row: 1, short: 'KAI' },
  'keski-pohjanmaa': { col: 1, row: 2, short: 'KPO' },
  'pohjois-savo': { col: 3, row: 2, short: 'PSA' },
  'pohjois-karjala': { col: 4, row: 2, short: 'PKA' },
  pohjanmaa: { col: 0, row: 3, short: 'POH' },
  'etela-pohjanmaa': { col: 1, row: 3, short: 'EPO' },
  'keski-suomi': { col: 2, row: 3, short: 'KSU' },
  'etela-savo': { col: 3, row: 3, short: 'ESA' },
  satakunta: { col: 0, row: 4, short: 'SAT' },
  pirkanmaa: { col: 1, row: 4, short: 'PIR' },
  'paijat-hame': { col: 2, row: 4, short: 'PHÄ' },
  kymenlaakso: { col: 3, row: 4, short: 'KYM' },
  'etela-karjala': { col: 4, row: 4, short: 'EKA' },
  'varsinais-suomi': { col: 0, row: 5, short: 'VSU' },
  'kanta-hame': { col: 1, row: 5, short: 'KHÄ' },
  'keski-uusimaa': { col: 2, row: 5, short: 'KUU' },
  'ita-uusimaa': { col: 3, row: 5, short: 'IUU' },
  'lansi-uusimaa': { col: 1, row: 6, short: 'LUU' },
  'vantaa-kerava': { col: 2, row: 6, short: 'VAK' },
  helsinki: { col: 2, row: 7, short: 'HKI' },
};

export const MAP_COLUMNS = 5;
const MAP_ROWS = 8;

/** Each region's tile: its place from TILE_LAYOUT, or the next free place in rows below the map. */
export function placeTiles(codes: string[]): Map<string, { col: number; row: number; short: string }> {
  const placed = new Map<string, { col: number; row: number; short: string }>();
  let extra = 0;
  for (const code of codes) {
    const known = TILE_LAYOUT[code];
    if (known) placed.set(code, known);
    else {
      placed.set(code, {
        col: extra % MAP_COLUMNS,
        row: MAP_ROWS + Math.floor(extra / MAP_COLUMNS),
        short: code.slice(0, 3).toUpperCase(),
      });
      extra += 1;
    }
  }
  return placed;
}
