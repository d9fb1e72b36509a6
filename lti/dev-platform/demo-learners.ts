import { PERSONAS } from './personas';

/** A course member of the development platform, as its NRPS lists them. Names are invented. */
export type DemoMember = {
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  /** Moodle's NRPS short role names. */
  nrpsRoles: string[];
};

// Invented combinations of common Finnish and Swedish first names and surnames.
const NAMES: readonly [string, string][] = [
  ['Helmi', 'Rautio'],
  ['Onni', 'Kettunen'],
  ['Linnea', 'Åkerlund'],
  ['Väinö', 'Pesonen'],
  ['Siiri', 'Halonen'],
  ['Oskar', 'Lindholm'],
  ['Ilona', 'Mäkelä'],
  ['Eetu', 'Savolainen'],
  ['Ebba', 'Nyberg'],
  ['Lauri', 'Heikkilä'],
  ['Venla', 'Tuominen'],
  ['Axel', 'Sjöberg'],
  ['Kerttu', 'Niskanen'],
  ['Aapo', 'Lehtimäki'],
  ['Saga', 'Forsman'],
  ['Otso', 'Räsänen'],
  ['Iida', 'Karvonen'],
  ['Hugo', 'Westerlund'],
  ['Nelli', 'Peltola'],
  ['Ville', 'Jääskeläinen'],
  ['Alva', 'Granqvist'],
  ['Topias', 'Huttunen'],
  ['Pihla', 'Salmela'],
  ['Emil', 'Blomqvist'],
  ['Aada', 'Kivelä'],
];

const ascii = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');

/** Extra learners enrolled in every course, so the roster has more than one page. */
export const DEMO_LEARNERS: readonly DemoMember[] = NAMES.map(([givenName, familyName], i) => ({
  sub: String(201 + i),
  givenName,
  familyName,
  email: `${ascii(givenName)}.${ascii(familyName)}@example.fi`,
  nrpsRoles: ['Learner'],
}));

/** Everyone enrolled in each course of the development platform: the personas and the demo learners. */
export const COURSE_MEMBERS: readonly DemoMember[] = [
  ...PERSONAS.map(({ sub, givenName, familyName, email, nrpsRoles }) => ({
    sub,
    givenName,
    familyName,
    email,
    nrpsRoles,
  })),
  ...DEMO_LEARNERS,
];

/** The course member with this user id, if any. */
export function courseMember(sub: string): DemoMember | undefined {
  return COURSE_MEMBERS.find((m) => m.sub === sub);
}

/** Whether Moodle would accept a score for this user: enrolled with a gradebook (student) role. */
export function isGradable(sub: string): boolean {
  return courseMember(sub)?.nrpsRoles.includes('Learner') ?? false;
}
