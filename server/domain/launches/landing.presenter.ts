import type { SiltaRole } from '../../../lti/roles';
import { languageLinks, translator } from '../../i18n';
import { displayName } from '../people/display-names';
import type { Launch } from './launch.service';

const OFFERS: Record<SiltaRole, string[]> = {
  learner: ['modules', 'board', 'sessions'],
  instructor: ['place', 'progress', 'facilitate', 'board'],
  administrator: ['place', 'platforms', 'progress', 'board'],
};

/**
 * Where an offer's card leads, when this launch can go there: the board and the teacher's pages
 * always, a module or a session only when the activity placed one. "Place" happens in Moodle.
 */
function offerHref(key: string, launch: Launch): string | undefined {
  const lt = `lt=${launch.sessionId}`;
  switch (key) {
    case 'board':
      return `/board?${lt}`;
    case 'progress':
      return `/modules/progress?${lt}`;
    case 'facilitate':
      return `/sessions/new?${lt}`;
    case 'platforms':
      return '/admin/platforms';
    case 'modules':
      return launch.custom.module ? `/modules?${lt}` : undefined;
    case 'sessions':
      return launch.custom.target === 'session' ? `/sessions/start?${lt}` : undefined;
    default:
      return undefined;
  }
}

/** The landing page's view model: who the user is, where they came from, what Silta offers them. */
export function presentLanding(launch: Launch) {
  const t = translator(launch.language);
  const user = launch.user;
  const name = displayName(user);
  const custom = launch.custom;
  return {
    lang: launch.language,
    title: t('home.title'),
    lt: launch.sessionId,
    languages: languageLinks(launch.language, (lang) => `/app?lt=${launch.sessionId}&lang=${lang}`),
    greeting: name ? t('home.greeting_named', { name }) : t('home.greeting'),
    displayName: name,
    email: user.email,
    course: launch.context.title || launch.context.label || launch.context.ltiContextId,
    activity: launch.resourceLink?.title,
    role: launch.role,
    roleLabel: t(`roles.${launch.role}`),
    region: custom.region,
    target: custom.target,
    offers: OFFERS[launch.role].map((key) => ({
      title: t(`home.offers.${key}.title`),
      text: t(`home.offers.${key}.text`),
      href: offerHref(key, launch),
    })),
  };
}
