/** The page's strings for the client (data-strings), with `{{name}}` placeholders. */
export type Strings = Record<string, string>;

/** Fills `{{name}}` placeholders; an unknown key shows as itself so a gap is visible, not silent. */
export function format(strings: Strings, key: string, values: Record<string, string | number> = {}): string {
  const template = strings[key] ?? key;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A count in words: picks `<key>_one` or `<key>_other` by the language's plural rules. */
export function plural(strings: Strings, lang: string, key: string, count: number): string {
  const form = new Intl.PluralRules(lang).select(count) === 'one' ? 'one' : 'other';
  return format(strings, `${key}_${form}`, { count });
}
