import { rightAnswer, attemptOf } from '../helpers/modules';
import { launchSession } from '../helpers/launch';
import type { TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard } from '../board/board-fixtures';
import { queueScore } from '../grades/grade-fixtures';
import { LaunchSession, PracticeComment } from '../../server/store/models';

export const SLUG = 'work-ability-service-chain';
export const REFLECTION = 'Oma pohdintani palveluketjun katkoskohdista ja työterveyshuollosta. ';

/**
 * A person with something in every feature: the development platform's regional developer
 * (Elias Korhonen) takes a module, has a grade waiting and shares, comments, marks and adopts on
 * the board; the trainee (Aino) posts next to them. Returns the ids and tokens the tests look at.
 */
export async function personWithData(t: TestSilta, tag: string) {
  const pack = t.packs.get(SLUG)!;
  const moduleLink = t.devPlatform.placeLink({
    courseId: '2',
    title: pack.title.fi,
    custom: { target: 'module', module: SLUG },
  });
  const moduleLaunch = await launchSession(t, { persona: 'developer', courseId: '2', resourceLinkId: moduleLink.id });
  const session = (await LaunchSession.findByPk(moduleLaunch.lt))!;
  const attempt = await attemptOf(t, moduleLaunch.lt);
  const reflection = pack.steps.find((s) => s.kind === 'reflection')!;
  const fields = new URLSearchParams([
    ['lt', moduleLaunch.lt],
    ['attempt', String(attempt)],
    ...rightAnswer(reflection, REFLECTION),
  ]);
  await t.request().post(`/modules/steps/${reflection.id}`).type('form').send(fields.toString()).expect(303);
  const grade = await queueScore(
    t,
    { resourceLinkId: session.resourceLinkId!, userId: session.userId },
    { scoreGiven: 7 },
  );

  const developerLt = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala' }), 'developer');
  const traineeLt = await openBoard(t, placeBoard(t, { region: 'pirkanmaa' }), 'trainee');
  const own = await createPractice(t, developerLt, { title: `Eliaksen malli ${tag}`, region: 'pohjois-karjala' });
  const others = await createPractice(t, traineeLt, { title: `Ainon malli ${tag}`, region: 'pirkanmaa' });
  const post = (lt: string, path: string, fields: Record<string, string> = {}) =>
    t.request().post(path).type('form').send(form(lt, fields)).expect(303);
  await post(developerLt, '/board/region', { region: 'pohjois-karjala' });
  await post(traineeLt, `/board/practices/${own}/comments`, { body: `Ainon kommentti ${tag}` });
  await post(developerLt, `/board/practices/${others}/comments`, { body: `Eliaksen kommentti ${tag}` });
  const comment = (await PracticeComment.findOne({ where: { practiceId: others, authorId: session.userId } }))!;
  await post(traineeLt, `/board/practices/${others}/comments`, {
    body: `Ainon vastaus ${tag}`,
    parent: String(comment.id),
  });
  await post(developerLt, `/board/practices/${others}/useful`);
  await post(developerLt, `/board/practices/${others}/adopt`, { note: `Otamme käyttöön ${tag}` });
  return {
    userId: session.userId,
    moduleLt: moduleLaunch.lt,
    moduleLinkId: moduleLink.id,
    attempt,
    grade,
    developerLt,
    traineeLt,
    own,
    others,
    comment,
  };
}
