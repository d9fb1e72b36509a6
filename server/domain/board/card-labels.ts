import { translator, type Language } from '../../i18n';
import { formatCount, formatNumber } from '../../i18n/format';
import type { Region } from '../../store/models';
import { regionName } from '../regions/region.service';

/**
 * The texts a board card repeats, remembered per language: a board page shows 20-70 cards, and
 * reading each card's tags, region line and counts afresh (JSON, i18next keys, number formats)
 * was about 40 µs of CPU per card. The translations never change while Silta runs; what varies
 * is bounded (the tag lists of fixed codes, counts), and each memory starts over past its size.
 */
const MAX_REMEMBERED = 5000;

export type Tag = { code: string; label: string };
type Tags = { tags: readonly Tag[]; labels: readonly string[] };

/** A memory of at most MAX_REMEMBERED texts: a value seen often is made once. */
function remember<T>(): (key: string, make: () => T) => T {
  const memory = new Map<string, T>();
  return (key, make) => {
    let value = memory.get(key);
    if (value === undefined) {
      value = make();
      if (memory.size >= MAX_REMEMBERED) memory.clear();
      memory.set(key, value);
    }
    return value;
  };
}

const tagMemory = remember<Tags>();

/** A practice's actors or themes (its JSON column) as tags with their labels in `lang`; shared, never to be changed. */
export function tagsOf(json: string, kind: 'actors' | 'themes', lang: Language): Tags {
  return tagMemory(`${lang}\u0000${kind}\u0000${json}`, () => {
    const t = translator(lang);
    const tags = (JSON.parse(json) as string[]).map((code) => ({ code, label: t(`board.${kind}.${code}`) }));
    return { tags, labels: tags.map((tag) => tag.label) };
  });
}

const countsMemory = remember<string>();

/** The useful, adoption and comment counts as one sentence, each count saying its own plural. */
export function countsSentence(lang: Language, useful: number, adopted: number, comments: number): string {
  return countsMemory(`${lang}\u0000${useful}\u0000${adopted}\u0000${comments}`, () =>
    translator(lang)('board.counts', {
      useful: formatNumber(lang, useful),
      adopted: formatCount(lang, 'board.adopted_by', adopted),
      comments: formatCount(lang, 'board.comment_count', comments),
    }),
  );
}

const regionMemory = remember<string>();

/** A region as a card's line names it: "name (wave N)". */
export function regionLine(region: Region, lang: Language): string {
  const name = regionName(region, lang);
  return regionMemory(
    `${lang}\u0000${name}\u0000${region.wave}`,
    () => `${name} (${translator(lang)('board.wave', { wave: region.wave })})`,
  );
}
