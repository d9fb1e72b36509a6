import { QueryTypes } from 'sequelize';
import { PracticeAdoption, PracticeComment } from '../../server/store/models';
import { inTransaction } from '../../server/store/transaction';
import { createPractice, form, openBoard, placeBoard } from '../board/board-fixtures';
import { launchSession } from '../helpers/launch';
import { attemptOf, rightAnswer } from '../helpers/modules';
import type { TestSilta } from '../helpers/test-app';
import { connect, notePayload, openLink, placeSession, startSession, uuid } from '../sessions/session-fixtures';

/**
 * Report data seeded through HTTP (launches from the development platform, module steps, board
 * forms) and sockets (a live session), then moved to months of 2019 with one UPDATE per row, so
 * a report of 2019 shows exactly this data, whatever other test files added this year.
 */
export const YEAR = { from: '2019-01', to: '2019-12' };
export const REGION_OF = { trainee: 'pirkanmaa', developer: 'pohjois-karjala', teacher: 'varsinais-suomi' } as const;
export const MODULES = ['work-ability-service-chain', 'client-participation'] as const;
const COURSE = '3';

/** What the seeding created, for the tests to look at. */
export type Seeded = { attempts: number[]; practices: number[]; sessionId: number };

const at = (day: string) => new Date(`${day}T10:00:00Z`);

async function setTime(t: TestSilta, table: string, column: string, ids: number[], when: Date) {
  if (!ids.length) return;
  const sequelize = t.silta.sequelize;
  await inTransaction(sequelize, (transaction) =>
    sequelize.query(`UPDATE ${table} SET ${column} = :when WHERE id IN (:ids)`, {
      replacements: { when, ids },
      type: QueryTypes.UPDATE,
      transaction,
    }),
  );
}

/** A persona works through a whole module (every step answered right) and finishes it; returns the attempt id. */
async function completeModule(t: TestSilta, slug: string, persona: 'trainee' | 'developer'): Promise<number> {
  const pack = t.packs.get(slug)!;
  const link = t.devPlatform.placeGradedLink(
    { courseId: COURSE, title: pack.title.fi, custom: { target: 'module', module: slug } },
    { scoreMaximum: pack.scoreMaximum },
  );
  const { lt } = await launchSession(t, {
    persona,
    courseId: COURSE,
    resourceLinkId: link.id,
    locale: 'fi',
    region: REGION_OF[persona],
  });
  const attempt = await attemptOf(t, lt);
  const body = (fields: [string, string][]) =>
    new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...fields]).toString();
  for (const step of pack.steps)
    await t
      .request()
      .post(`/modules/steps/${step.id}`)
      .type('form')
      .send(body(rightAnswer(step)))
      .expect(303);
  await t.request().post('/modules/complete').type('form').send(body([])).expect(303);
  return attempt;
}

/**
 * Seeds, in 2019:
 * - completions: trainee (pirkanmaa) module A in February and module B in April, developer
 *   (pohjois-karjala) module A in April;
 * - board: P1 by the trainee (pirkanmaa) in March, P2 by the developer (pohjois-karjala) in May;
 *   three comments in May; P1 adopted by pohjois-karjala and varsinais-suomi in May, P2 by
 *   pirkanmaa in June;
 * - one live session in July with three notes and two votes.
 */
export async function seedReports(t: TestSilta): Promise<Seeded> {
  const [a, b] = MODULES;
  const traineeA = await completeModule(t, a, 'trainee');
  const traineeB = await completeModule(t, b, 'trainee');
  const developerA = await completeModule(t, a, 'developer');
  await setTime(t, 'module_attempts', 'completed_at', [traineeA], at('2019-02-10'));
  await setTime(t, 'module_attempts', 'completed_at', [traineeB], at('2019-04-15'));
  await setTime(t, 'module_attempts', 'completed_at', [developerA], at('2019-04-20'));

  const board = placeBoard(t);
  const trainee = await openBoard(t, board, 'trainee', { region: REGION_OF.trainee });
  const developer = await openBoard(t, board, 'developer', { region: REGION_OF.developer });
  const teacher = await openBoard(t, board, 'teacher', { region: REGION_OF.teacher });
  const p1 = await createPractice(t, trainee, { title: 'Raportin käytäntö 1', region: REGION_OF.trainee });
  const p2 = await createPractice(t, developer, { title: 'Raportin käytäntö 2', region: REGION_OF.developer });
  const comment = (lt: string, id: number, text: string) =>
    t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(lt, { body: text }))
      .expect(303);
  await comment(trainee, p2, 'Miten aloititte?');
  await comment(developer, p1, 'Hyvä malli.');
  await comment(developer, p1, 'Kokeilemme tätä.');
  const adopt = (lt: string, id: number) =>
    t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .send(form(lt, { note: 'Otamme käyttöön.' }))
      .expect(303);
  await adopt(developer, p1);
  await adopt(teacher, p1);
  await adopt(trainee, p2);
  await setTime(t, 'practices', 'created_at', [p1], at('2019-03-10'));
  await setTime(t, 'practices', 'created_at', [p2], at('2019-05-10'));
  const comments = (await PracticeComment.findAll({ where: { practiceId: [p1, p2] } })).map((c) => c.id);
  const adoptionsOf = async (practiceId: number) =>
    (await PracticeAdoption.findAll({ where: { practiceId } })).map((a) => a.id);
  await setTime(t, 'practice_comments', 'created_at', comments, at('2019-05-12'));
  await setTime(t, 'practice_adoptions', 'created_at', await adoptionsOf(p1), at('2019-05-20'));
  await setTime(t, 'practice_adoptions', 'created_at', await adoptionsOf(p2), at('2019-06-02'));

  const link = placeSession(t, 'Raporttiverstas');
  const facilitator = await openLink(t, link, 'teacher', { region: REGION_OF.teacher });
  const sessionId = await startSession(t, facilitator);
  const one = await connect(t, await openLink(t, link, 'trainee', { region: REGION_OF.trainee }));
  const two = await connect(t, await openLink(t, link, 'developer', { region: REGION_OF.developer }));
  await one.join(sessionId);
  await two.join(sessionId);
  const note = notePayload(sessionId);
  await one.ok('note:add', note);
  await one.ok('note:add', notePayload(sessionId));
  await two.ok('note:add', notePayload(sessionId));
  await two.ok('vote:cast', { sessionId, clientId: uuid(), noteId: note.clientId });
  await one.ok('vote:cast', { sessionId, clientId: uuid(), noteId: note.clientId });
  one.socket.disconnect();
  two.socket.disconnect();
  await setTime(t, 'live_sessions', 'created_at', [sessionId], at('2019-07-08'));
  return { attempts: [traineeA, traineeB, developerA], practices: [p1, p2], sessionId };
}
