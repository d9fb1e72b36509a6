import { DEFAULT_TIME_ZONE, formatZonedTime } from '../../i18n/format';
import type { Language } from '../../i18n';

/** Finland's time zone: the board's times are read by people in Finland, whatever the server's zone. */
export const BOARD_TIME_ZONE = DEFAULT_TIME_ZONE;

/** A moment as local Finnish time with its zone named ("2.12.2026 klo 11.05 UTC+2", "02/12/2026, 11:05 EET"). */
export function localTime(date: Date, lang: Language): string {
  return formatZonedTime(lang, date, BOARD_TIME_ZONE);
}
