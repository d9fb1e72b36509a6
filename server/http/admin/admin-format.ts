import { translator, type Language } from '../../i18n';
import { formatShortDateTime } from '../../i18n/format';

/** A time as the admin reads it, in Finnish time (the one formatter, short). */
export function formatTime(date: Date, lang: Language): string {
  return formatShortDateTime(lang, date);
}

/** The message of a `?done=` notice after a redirect, when the page knows that notice. */
export function noticeOf(
  query: { done?: string; count?: number },
  lang: Language,
  known: Record<string, string>,
): string | undefined {
  const key = query.done ? known[query.done] : undefined;
  return key ? translator(lang)(key, { count: query.count ?? 0 }) : undefined;
}
