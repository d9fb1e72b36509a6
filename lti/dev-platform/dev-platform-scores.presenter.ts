import type { TFunction } from 'i18next';
import { courseMember, COURSE_MEMBERS } from './demo-learners';
import type { DevPlatform } from './dev-platform';
import { COURSES } from './personas';

const LOCALE_TAG: Record<string, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

/**
 * The view model of `/dev/platform/scores`: each course's line items and, for each user who has
 * a score, the grade Moodle would show, the progress values and when the score was made.
 */
export function scoresPage(platform: DevPlatform, lang: string, t: TFunction, courseId?: string) {
  const tag = LOCALE_TAG[lang] ?? 'fi-FI';
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Europe/Helsinki' });
  const learners = COURSE_MEMBERS.filter((m) => m.nrpsRoles.includes('Learner')).length;
  const courses = COURSES.filter((c) => !courseId || c.id === courseId).map((course) => ({
    ...course,
    items: platform.gradebook.itemsOf(course.id).map((item) => {
      const scores = [...(platform.gradebook.scores.get(item.id)?.values() ?? [])];
      const link = item.resourceLinkId ? platform.links.get(item.resourceLinkId) : undefined;
      return {
        id: item.id,
        label: item.label,
        max: number.format(item.scoreMaximum),
        linkTitle: link?.title,
        url: `${platform.gradebook.lineItemUrl(item)}?type_id=1`,
        rows: scores.map((s) => {
          const member = courseMember(s.userId);
          const at = Date.parse(s.timestamp);
          return {
            name: member ? `${member.givenName} ${member.familyName}` : s.userId,
            userId: s.userId,
            grade:
              s.grade === null
                ? undefined
                : t('dev_scores.grade_value', { grade: number.format(s.grade), max: number.format(item.scoreMaximum) }),
            activity: t(`dev_scores.activity.${s.activityProgress}`, { defaultValue: s.activityProgress }),
            grading: t(`dev_scores.grading.${s.gradingProgress}`, { defaultValue: s.gradingProgress }),
            timestamp: s.timestamp,
            when: Number.isNaN(at) ? s.timestamp : date.format(at),
            comment: s.comment,
          };
        }),
        withoutScore: t('dev_scores.without_score', { count: Math.max(0, learners - scores.length) }),
      };
    }),
  }));
  return { courses, anyItems: courses.some((c) => c.items.length > 0), courseId: courseId ?? '' };
}
