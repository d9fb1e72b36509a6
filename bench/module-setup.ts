import { call, formOf, gist, StepError } from './http-client';
import { loginAndLaunch, untimed } from './targets';

/** The course the timed trainees' links are placed in, and the one of the warm-up trainee (so its grade is not counted). */
export const TIMED_COURSE = '3';
export const WARMUP_COURSE = '2';

/** Title of the link placed for timed trainee `i` or spare trainee `i` (warm-up, profile pass): how set-up finds its id again. */
export const linkTitle = (kind: 'trainee' | 'spare', i: number) => `bench ${kind} ${i}`;

/** Places one module link in a course (see placeCatalogueItem), with its gradebook column. */
export function placeModuleLink(baseUrl: string, courseId: string, slug: string, title: string): Promise<void> {
  return placeCatalogueItem(baseUrl, courseId, `module-${slug}`, title);
}

/**
 * Places one catalogue item (`module-<slug>`, `board`, `session`) in a course the way a teacher
 * does, over HTTP through Silta's development platform: a deep-linking launch as the teacher
 * persona (login → platform auth → id_token → `/lti/deep-link?lt=…`), the catalogue choice with
 * its own title, and the signed response posted back to the platform's deep-link-return URL,
 * which places the link (and a module's gradebook column).
 */
export async function placeCatalogueItem(baseUrl: string, courseId: string, key: string, title: string): Promise<void> {
  const start = await call({
    method: 'POST',
    url: `${baseUrl}/dev/platform/launch`,
    form: { persona: 'teacher', courseId, locale: 'fi', messageType: 'LtiDeepLinkingRequest', window: 'iframe' },
    expect: 200,
  });
  const login = formOf(start.body);
  if (!login.action || !login.fields.lti_message_hint)
    throw new StepError(`no login-initiation form for deep linking: ${gist(start.body)}`);
  const prepared = {
    user: 0,
    loginUrl: new URL(login.action, baseUrl).toString(),
    fields: login.fields,
    expectName: '',
  };
  const picker = new URL((await loginAndLaunch(prepared, undefined, untimed, 303)).url);
  const lt = picker.searchParams.get('lt');
  if (picker.pathname !== '/lti/deep-link' || !lt)
    throw new StepError(`a deep-linking launch went to ${picker.pathname}`);
  const chosen = await call({
    method: 'POST',
    url: `${baseUrl}/lti/deep-link`,
    form: { lt, items: key, [`title_${key}`]: title },
    expect: 200,
  });
  const back = formOf(chosen.body);
  if (!back.action || !back.fields.JWT) throw new StepError(`no deep-linking response form: ${gist(chosen.body)}`);
  const placed = await call({
    method: 'POST',
    url: new URL(back.action, baseUrl).toString(),
    form: { JWT: back.fields.JWT },
    expect: 200,
  });
  if (!placed.body.includes(title)) throw new StepError(`the platform did not place "${title}": ${gist(placed.body)}`);
}

const decodeHtml = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#x27|#39|#x3D);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=' })[e]!,
  );

/**
 * The ids of a course's placed links by title, read from the development platform's launch
 * page (its activity choice lists them): the platform launches only links it has placed.
 */
export async function linkIdsByTitle(baseUrl: string, courseId: string): Promise<Map<string, string>> {
  const { body } = await call({ method: 'GET', url: `${baseUrl}/dev/platform/?course=${courseId}`, expect: 200 });
  // The page lists the course's activities as radio buttons labelled "Kind: <span>Title</span>".
  const ids = new Map<string, string>();
  const choice = /name="resourceLinkId" value="([^"]+)"[^>]*><label[^>]*>(?:[^<]*<span[^>]*>([^<]*)<\/span>)?/g;
  for (const match of body.matchAll(choice)) if (match[2]) ids.set(decodeHtml(match[2]).trim(), match[1]);
  return ids;
}

/** Runs `work` over 0..count-1 with at most `concurrency` in flight (set-up only: no timing). */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * Places a link for each of `trainees` timed trainees (course TIMED_COURSE) and `spare` links
 * for untimed trainees (the warm-up, the --profile pass) in course WARMUP_COURSE, so their
 * grades are not counted with the timed ones; each by its own deep-linking round trip. Returns
 * the link ids: `timed[i]` is trainee i's link.
 */
export async function placeTraineeLinks(
  baseUrl: string,
  slug: string,
  trainees: number,
  spare: number,
): Promise<{ timed: string[]; spare: string[] }> {
  await inParallel(spare, 4, (i) => placeModuleLink(baseUrl, WARMUP_COURSE, slug, linkTitle('spare', i)));
  await inParallel(trainees, 4, (i) => placeModuleLink(baseUrl, TIMED_COURSE, slug, linkTitle('trainee', i)));
  const idsOf = async (courseId: string, kind: 'trainee' | 'spare', count: number) => {
    const ids = await linkIdsByTitle(baseUrl, courseId);
    const found = Array.from({ length: count }, (_, i) => ids.get(linkTitle(kind, i)) ?? '');
    const missing = found.filter((id) => !id).length;
    if (missing)
      throw new Error(`set-up: ${missing} ${kind} link(s) not found on the platform page after deep linking`);
    return found;
  };
  return { timed: await idsOf(TIMED_COURSE, 'trainee', trainees), spare: await idsOf(WARMUP_COURSE, 'spare', spare) };
}
