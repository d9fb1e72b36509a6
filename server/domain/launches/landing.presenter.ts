import type { SiltaRole } from '../../../lti/roles';
import { languageLinks, translator } from '../../i18n';
import { displayName } from '../people/display-names';
import type { Launch } from './launch.service';

const OFFERS: Record<SiltaRole, string[]> = {
  learner: ['modules', 'board', 'sessions'],
  instructor: ['place', 'progress', 'facilitate', 'board'],
  administrator: ['place', 'platforms', 'progress', 'board'],
};

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
    offers: OFFERS[launch.role].map((key) => ({ title: t(`home.offers.${key}.title`), text: t(`home.offers.${key}.text`) })),
  };
}
