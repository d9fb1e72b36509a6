/** Reading a re-rendered form page the way a person would: the summary's links, a field's message and value. */

const decode = (s: string) =>
  s
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`');

/** The error summary's links (href and text), in order; empty when there is no summary. */
export function errorSummaryOf(html: string): { href: string; text: string }[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<li><a href="([^"]+)">([^<]*)<\/a><\/li>/g)].map((m) => ({
    href: m[1],
    text: decode(m[2]),
  }));
}

/** The message shown next to the field with this id, or undefined; the field must point at it. */
export function fieldMessageOf(html: string, id: string): string | undefined {
  const message = new RegExp(
    `<p class="error-message" id="${id}-error"><span class="visually-hidden">[^<]*</span>([^<]*)</p>`,
  ).exec(html)?.[1];
  if (message === undefined) return undefined;
  const field = new RegExp(`<(?:input|textarea|select) id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  if (!field.includes('aria-invalid="true"') || !new RegExp(`aria-describedby="[^"]*${id}-error`).test(field))
    throw new Error(`field ${id} does not point at its message: ${field}`);
  return decode(message);
}

/** What the field with this id holds (value attribute or textarea text), HTML-escaped as on the page. */
export function fieldValueOf(html: string, id: string): string | undefined {
  const input = new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html);
  if (input) return input[1];
  return new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)?.[1];
}
