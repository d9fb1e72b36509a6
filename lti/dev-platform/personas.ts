/** Demo people and courses of the development platform. Names are invented. */
export type Persona = {
  key: 'trainee' | 'developer' | 'teacher' | 'admin';
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  roles: string[];
  /** NRPS short role names, as Moodle sends them there. */
  nrpsRoles: string[];
};

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const INSTITUTION = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#';
const SYSTEM = 'http://purl.imsglobal.org/vocab/lis/v2/system/person#';

export const PERSONAS: readonly Persona[] = [
  {
    key: 'trainee',
    sub: '101',
    givenName: 'Aino',
    familyName: 'Virtanen',
    email: 'aino.virtanen@example.fi',
    roles: [`${MEMBERSHIP}Learner`],
    nrpsRoles: ['Learner'],
  },
  {
    key: 'developer',
    sub: '102',
    givenName: 'Elias',
    familyName: 'Korhonen',
    email: 'elias.korhonen@example.fi',
    roles: [`${MEMBERSHIP}Learner`],
    nrpsRoles: ['Learner'],
  },
  {
    key: 'teacher',
    sub: '103',
    givenName: 'Maria',
    familyName: 'Lindqvist',
    email: 'maria.lindqvist@example.fi',
    roles: [`${MEMBERSHIP}Instructor`],
    nrpsRoles: ['Instructor'],
  },
  {
    key: 'admin',
    sub: '2',
    givenName: 'Admin',
    familyName: 'User',
    email: 'admin@example.fi',
    roles: [`${INSTITUTION}Administrator`, `${MEMBERSHIP}Instructor`, `${SYSTEM}Administrator`],
    nrpsRoles: ['Instructor'],
  },
];

export type Course = { id: string; title: string; label: string };

export const COURSES: readonly Course[] = [
  { id: '2', title: 'Työterveyshuollon erikoistumiskoulutus', label: 'TTH-ERIK' },
  { id: '3', title: 'Työkyvyn tuen alueellinen kehittäminen', label: 'TYOKYKY-KEH' },
];

/** A few wellbeing services counties for the region choice (the full list is Silta's data). */
export const DEMO_REGIONS = [
  'pohjois-karjala',
  'pirkanmaa',
  'varsinais-suomi',
  'pohjois-pohjanmaa',
  'helsinki',
  'ita-uusimaa',
] as const;

export const LOCALES = ['fi', 'sv', 'sv_fi', 'en', 'en_us'] as const;
