import { translator, type Language } from '../../i18n';

const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

/** A time as the admin reads it, in Finnish time. */
export function formatTime(date: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Helsinki' }).format(date);
}

/** The message of a `?done=` notice after a redirect, when the page knows that notice. */
export function noticeOf(query: { done?: string; count?: number }, lang: Language, known: Record<string, string>): string | undefined {
  const key = query.done ? known[query.done] : undefined;
  return key ? translator(lang)(key, { count: query.count ?? 0 }) : undefined;
}
