import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { LOCALES_DIR } from '../paths';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fi';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Maps an LTI `locale` claim to a Silta language. Moodle sends its own language-pack codes
 * (`fi`, `sv`, `sv_fi`, `en`, `en_us`); other platforms send BCP 47 tags (`sv-FI`). Anything
 * else falls back to Finnish.
 */
export function languageFromLocale(locale: string | undefined | null): Language {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : DEFAULT_LANGUAGE;
}

/** The first supported language of an Accept-Language header (for pages before any launch). */
export function languageFromAcceptLanguage(header: string | undefined): Language {
  for (const part of (header ?? '').split(',')) {
    const base = part.trim().split(';')[0].toLowerCase().split(/[-_]/)[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>, file: string): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && typeof existing === 'object' && value && typeof value === 'object')
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>, file);
    else if (existing !== undefined) throw new Error(`locale key "${key}" defined twice (${file})`);
    else target[key] = value;
  }
}

/**
 * Loads `locales/<lang>/*.json`; each feature keeps its strings in its own file, merged into one
 * resource per language.
 */
export function loadResources(): Record<Language, Record<string, unknown>> {
  return Object.fromEntries(
    LANGUAGES.map((lang) => {
      const dir = path.join(LOCALES_DIR, lang);
      const merged: Record<string, unknown> = {};
      for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        deepMerge(
          merged,
          JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>,
          `${lang}/${file}`,
        );
      }
      return [lang, merged];
    }),
  ) as Record<Language, Record<string, unknown>>;
}

const instance = i18next.createInstance();
instance.init({
  initAsync: false,
  resources: Object.fromEntries(Object.entries(loadResources()).map(([lang, translation]) => [lang, { translation }])),
  lng: DEFAULT_LANGUAGE,
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** A translation function fixed to one language. */
export function translator(lang: Language): TFunction {
  let t = translators.get(lang);
  if (!t) translators.set(lang, (t = memoised(instance.getFixedT(lang))));
  return t;
}

const translators = new Map<Language, TFunction>();

/** Remembered translations with values per language; past this many the memory starts over. */
const MAX_REMEMBERED = 5000;

/**
 * The memory key of a lookup: its key alone, or with its values when they are all strings, numbers
 * or booleans (interpolation and plurals depend on nothing else); undefined when it cannot be kept.
 */
function lookupKey(key: unknown, options: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  if (options === undefined) return key;
  if (typeof options !== 'object' || options === null) return undefined;
  let values = '';
  for (const [name, value] of Object.entries(options)) {
    const kind = typeof value;
    if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') return undefined;
    values += `\u0000${name}\u0000${kind[0]}${String(value)}`;
  }
  return values ? key + values : key;
}

/**
 * A translation function that remembers its lookups: the resources never change while Silta runs,
 * and a board page makes hundreds of them (each card's counts sentence, wave and tags: 2-4 ms of
 * CPU per page through i18next). Lookups with other values than strings, numbers and booleans go
 * to i18next each time.
 */
function memoised(fixed: TFunction): TFunction {
  const remembered = new Map<string, string>();
  const t = (key: unknown, options?: unknown) => {
    const memoryKey = lookupKey(key, options);
    if (memoryKey === undefined) return (fixed as (key: unknown, options?: unknown) => string)(key, options);
    let text = remembered.get(memoryKey);
    if (text === undefined) {
      text = (fixed as (key: unknown, options?: unknown) => string)(key, options);
      // Only texts: an object (returnObjects) belongs to its caller.
      if (typeof text !== 'string') return text;
      // Values typed by users (a search in a chip) would grow the memory without end.
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(memoryKey, text);
    }
    return text;
  };
  return t as unknown as TFunction;
}

export function hasKey(lang: Language, key: string): boolean {
  return instance.exists(key, { lng: lang });
}

const LANGUAGE_NAMES: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

/** Links to the same page in each language, for the language switch. */
export function languageLinks(current: Language, hrefFor: (lang: Language) => string) {
  return LANGUAGES.map((lang) => ({
    lang,
    name: LANGUAGE_NAMES[lang],
    href: hrefFor(lang),
    current: lang === current,
  }));
}
