import type { Options } from 'sequelize';
import { Practice } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import type { TestSilta } from '../helpers/test-app';

export const COURSE = '3';
export type Persona = 'trainee' | 'developer' | 'teacher' | 'admin';

/** Places a board activity in the course; `custom` adds e.g. `region` or `board`. */
export function placeBoard(t: TestSilta, custom: Record<string, string> = {}): string {
  return t.devPlatform.placeLink({
    courseId: COURSE,
    title: 'Vertaisoppiminen',
    custom: { target: 'board', ...custom },
  }).id;
}

/** A launch into a board link; returns the launch-session token. */
export async function openBoard(
  t: TestSilta,
  linkId: string,
  persona: Persona,
  options: { region?: string; locale?: string } = {},
): Promise<string> {
  const { lt } = await launchSession(t, {
    persona,
    courseId: COURSE,
    resourceLinkId: linkId,
    locale: options.locale ?? 'fi',
    region: options.region,
  });
  return lt;
}

export type PracticeFields = Partial<
  Record<'title' | 'summary' | 'need' | 'whatWasDone' | 'results' | 'status' | 'language' | 'region' | 'links', string>
> & { actors?: string[]; themes?: string[] };

/** A practice form body; fields not given get valid values. */
export function practiceForm(lt: string, fields: PracticeFields = {}): string {
  const { actors = ['occupational-health', 'kela'], themes = ['work-ability-support'], ...rest } = fields;
  const values = {
    title: 'Työkykykoordinaattori',
    summary: 'Koordinaattori kokoaa tuen.',
    need: 'Asiakkaat putosivat **palvelujen väliin**.',
    whatWasDone: '- yksi yhteyshenkilö\n- yhteinen suunnitelma',
    results: 'Paluu töihin nopeutui.',
    status: 'pilot',
    language: 'fi',
    region: 'pohjois-karjala',
    links: 'https://example.fi/malli',
    ...rest,
  };
  const params = new URLSearchParams({ lt, ...values });
  for (const a of actors) params.append('actors', a);
  for (const th of themes) params.append('themes', th);
  return params.toString();
}

/** Posts a practice and returns its id (from the redirect to its page). */
export async function createPractice(t: TestSilta, lt: string, fields: PracticeFields = {}): Promise<number> {
  const response = await t.request().post('/board/practices').type('form').send(practiceForm(lt, fields));
  if (response.status !== 303) throw new Error(`create failed: ${response.status} ${response.text.slice(0, 300)}`);
  const match = /^\/board\/practices\/(\d+)\?lt=/.exec(response.headers.location as string);
  if (!match) throw new Error(`unexpected redirect ${response.headers.location}`);
  return Number(match[1]);
}

/** A form body with the launch token. */
export const form = (lt: string, fields: Record<string, string> = {}) =>
  new URLSearchParams({ lt, ...fields }).toString();

/** The SQL statements a GET of `path` runs (to EXPLAIN them), after it answered 200. */
export async function statementsOf(t: TestSilta, path: string): Promise<string[]> {
  const seen: string[] = [];
  // Sequelize reads its `logging` option at each statement; its type does not show `options`.
  const { options } = Practice.sequelize! as unknown as { options: Options };
  const logging = options.logging;
  options.logging = (statement: string) => void seen.push(statement.replace(/^Execut\w+ \([^)]*\): /, ''));
  try {
    await t.request().get(path).expect(200);
  } finally {
    options.logging = logging;
  }
  return seen;
}
