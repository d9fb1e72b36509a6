import type { TFunction } from 'i18next';
import { hasKey, type Language } from '../../i18n';
import type { GradeOutbox } from '../../store/models';
import type { PlatformDelivery } from './platform-health.service';
import { formatRecentTime } from '../../i18n/format';

/** A time of day (with the date when not today), in Finnish time. */
export function deliveryTime(date: Date, lang: Language, now = new Date()): string {
  return formatRecentTime(lang, date, now);
}

/** The platform line for the teacher view and the admin page: reachable, or failing since when and the next try. */
export function presentPlatformDelivery(delivery: PlatformDelivery, lang: Language, t: TFunction, now = new Date()) {
  if (delivery.reachable)
    return {
      reachable: true,
      text: t('grade_delivery.platform.reachable'),
      failingSince: null,
      nextTry: null,
      lastError: null,
    };
  const since = delivery.failingSince ? deliveryTime(delivery.failingSince, lang, now) : '';
  const next = delivery.nextTryAt ? deliveryTime(delivery.nextTryAt > now ? delivery.nextTryAt : now, lang, now) : null;
  const reason =
    delivery.lastErrorCode && hasKey(lang, `errors.${delivery.lastErrorCode}`)
      ? t(`errors.${delivery.lastErrorCode}`)
      : null;
  return {
    reachable: false,
    text: next
      ? t('grade_delivery.platform.failing', { since, next })
      : t('grade_delivery.platform.failing_no_next', { since }),
    failingSince: since,
    nextTry: next,
    reason,
    lastError: delivery.lastError,
  };
}

/** What the trainee's summary says about their grade: sent, on its way, waiting for Moodle, or the failure in words. */
export function presentTraineeGrade(
  grade: GradeOutbox | null,
  delivery: PlatformDelivery,
  lang: Language,
  t: TFunction,
): { text: string } | null {
  if (!grade) return null;
  switch (grade.status) {
    case 'pending':
      return { text: t(delivery.reachable ? 'grade_delivery.trainee.on_its_way' : 'grade_delivery.trainee.waiting') };
    case 'failed': {
      const key = grade.lastErrorCode ? `errors.${grade.lastErrorCode}` : null;
      const reason = key && hasKey(lang, key) ? t(key) : t('errors.grade_internal_error');
      return { text: t('grade_delivery.trainee.failed', { reason }) };
    }
    default:
      return { text: t(`grade_delivery.trainee.${grade.status}`) };
  }
}
