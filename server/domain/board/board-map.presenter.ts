import { translator, type Language } from '../../i18n';
import type { Region } from '../../store/models';
import { regionName } from '../regions/region.service';
import { adoptionsMadeBy, adoptionsOfPracticesFrom, type Spread } from './board-spread.service';
import { MAP_COLUMNS, placeTiles } from './region-tiles';

// The map's geometry in SVG user units; the SVG scales to its box.
const TILE = 100;
const GAP = 8;
const PAD = 8;
/** Arrows start and stop this far from a tile's centre, so they meet its edge, not its text. */
const ARROW_INSET = 46;

const corner = (index: number) => PAD + index * (TILE + GAP);

type Pair = { code: string; name: string; adoptions: number };

/**
 * The tile-grid map of Finland for the spread view, drawn on the server: one tile per region with
 * its shared practices, the adoptions it made and its wave; each tile links to the same page with
 * that region selected. With a selection, the regions that adopted its practices and those it
 * adopted from are highlighted and joined to it by arrows, and a panel (and the sentence a
 * screen reader hears) says the same in words. `hrefOf` gives a tile's link.
 */
export function presentMap(
  spread: Spread,
  regions: Region[],
  selectedCode: string | null,
  lang: Language,
  hrefOf: (code: string) => string,
) {
  const t = translator(lang);
  const tiles = placeTiles(regions.map((r) => r.code));
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const name = (code: string) => {
    const region = byCode.get(code);
    return region ? regionName(region, lang) : code;
  };
  const selected = selectedCode ? (byCode.get(selectedCode) ?? null) : null;
  const pairs = (list: { code: string; adoptions: number }[]): Pair[] =>
    list
      .map((p) => ({ ...p, name: name(p.code) }))
      .sort((a, b) => b.adoptions - a.adoptions || a.name.localeCompare(b.name, lang));
  const to = selected
    ? pairs(
        spread.flows
          .filter((f) => f.origin === selected.code && f.adopter !== selected.code)
          .map((f) => ({ code: f.adopter, adoptions: f.adoptions })),
      )
    : [];
  const from = selected
    ? pairs(
        spread.flows
          .filter((f) => f.adopter === selected.code && f.origin !== selected.code)
          .map((f) => ({ code: f.origin, adoptions: f.adoptions })),
      )
    : [];
  const toCodes = new Map(to.map((p) => [p.code, p.adoptions]));
  const fromCodes = new Map(from.map((p) => [p.code, p.adoptions]));
  const rows = Math.max(...[...tiles.values()].map((p) => p.row)) + 1;
  const centre = (code: string) => {
    const place = tiles.get(code)!;
    return { x: corner(place.col) + TILE / 2, y: corner(place.row) + TILE / 2 };
  };
  const arrow = (origin: string, adopter: string, direction: 'out' | 'in', adoptions: number) => {
    const a = centre(origin);
    const b = centre(adopter);
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const ux = (b.x - a.x) / length;
    const uy = (b.y - a.y) / length;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      direction,
      x1: round(a.x + ux * ARROW_INSET),
      y1: round(a.y + uy * ARROW_INSET),
      x2: round(b.x - ux * ARROW_INSET),
      y2: round(b.y - uy * ARROW_INSET),
      width: Math.min(8, 2 + adoptions),
    };
  };

  const presentTile = (region: Region) => {
    const place = tiles.get(region.code)!;
    const shared = spread.shared.get(region.code) ?? 0;
    const made = adoptionsMadeBy(spread, region.code);
    const x = corner(place.col);
    const y = corner(place.row);
    const state =
      region.code === selected?.code
        ? 'selected'
        : toCodes.has(region.code) && fromCodes.has(region.code)
          ? 'both'
          : toCodes.has(region.code)
            ? 'to'
            : fromCodes.has(region.code)
              ? 'from'
              : 'none';
    const facts = t('board.map.tile_label', { region: regionName(region, lang), wave: region.wave, shared, made });
    const relation =
      selected && state !== 'selected' && state !== 'none'
        ? [
            toCodes.has(region.code)
              ? t('board.map.tile_to', { region: regionName(selected, lang), count: toCodes.get(region.code) })
              : null,
            fromCodes.has(region.code)
              ? t('board.map.tile_from', { region: regionName(selected, lang), count: fromCodes.get(region.code) })
              : null,
          ]
            .filter(Boolean)
            .join(' ')
        : '';
    return {
      code: region.code,
      href: hrefOf(region.code),
      label: relation ? `${facts} ${relation}` : facts,
      current: state === 'selected',
      state,
      wave: region.wave,
      short: place.short,
      shared,
      made,
      x,
      y,
      size: TILE,
      textX: x + 10,
      labelY: y + 30,
      sharedY: y + 60,
      madeY: y + 88,
      waveX: x + TILE - 15,
      waveY: y + 16,
      waveTextY: y + 21,
    };
  };

  const selection = selected
    ? {
        code: selected.code,
        name: regionName(selected, lang),
        wave: selected.wave,
        shared: spread.shared.get(selected.code) ?? 0,
        made: adoptionsMadeBy(spread, selected.code),
        adoptedAnywhere: adoptionsOfPracticesFrom(spread, selected.code),
        to,
        from,
      }
    : null;
  return {
    width: PAD * 2 + MAP_COLUMNS * (TILE + GAP) - GAP,
    height: PAD * 2 + rows * (TILE + GAP) - GAP,
    tiles: regions.map(presentTile),
    arrows: selected
      ? [
          ...to.map((p) => arrow(selected.code, p.code, 'out', p.adoptions)),
          ...from.map((p) => arrow(p.code, selected.code, 'in', p.adoptions)),
        ]
      : [],
    key: regions.map((r) => ({ short: tiles.get(r.code)!.short, name: regionName(r, lang), wave: r.wave })),
    selection,
    announcement: selection
      ? [
          t('board.map.announce_shared', { region: selection.name, count: selection.shared }),
          selection.to.length
            ? t('board.map.announce_to', {
                count: selection.to.length,
                regions: selection.to.map((p) => p.name).join(', '),
              })
            : t('board.map.announce_to_none'),
          selection.from.length
            ? t('board.map.announce_from', {
                count: selection.from.length,
                regions: selection.from.map((p) => p.name).join(', '),
              })
            : t('board.map.announce_from_none'),
        ].join(' ')
      : '',
  };
}
