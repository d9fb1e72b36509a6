import type { Language } from '../../i18n';

/** Finland's time zone: the board's times are read by people in Finland, whatever the server's zone. */
export const BOARD_TIME_ZONE = 'Europe/Helsinki';
const LOCALE: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const formats = new Map<Language, Intl.DateTimeFormat>();

/** A moment as local Finnish time with its zone named ("2.12.2026 klo 11.05 UTC+2", "02/12/2026, 11:05 EET"). */
export function localTime(date: Date, lang: Language): string {
  let format = formats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: BOARD_TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    formats.set(lang, format);
  }
  return format.format(date);
}
