import type { Sequelize } from 'sequelize';
import type { Context } from '../../store/models';
import { Practice, PracticeAdoption, PracticeComment, User } from '../../store/models';
import { upsertRow } from '../../store/upsert';
import { addComment, adoptPractice } from '../board/board-interactions.service';
import { createPractice, DEFAULT_BOARD } from '../board/board.service';
import type { Launch } from '../launches/launch.service';
import { loadDemoBoard, type DemoBoard, type DemoPerson } from './demo-board';

export type DemoSeedResult = { practices: number; adoptions: number; comments: number };

/** Demo people are users of the development platform with a sub no Moodle user has. */
export const demoSub = (person: DemoPerson) => `demo-${person.key}`;

/**
 * A launch of a demo person into the board, as the board's services expect one: the same rules
 * (regions, one adoption per region, comments only on visible practices) apply to demo data.
 */
function demoLaunch(user: User, person: DemoPerson, platform: Launch['platform'], boardKey: string): Launch {
  return {
    sessionId: `demo-${person.key}`,
    messageType: 'LtiResourceLinkRequest',
    role: 'learner',
    language: 'fi',
    custom: { target: 'board', region: person.region, ...(boardKey === DEFAULT_BOARD ? {} : { board: boardKey }) },
    platform,
    user,
    // The board never reads the course; a demo author belongs to none.
    context: null as unknown as Context,
    resourceLink: null,
    deepLinking: null,
    returnUrl: null,
    expiresAt: new Date(),
  };
}

/**
 * Seeds the demo board (content/demo/board.yaml) on a platform's board, through the board's
 * services. Idempotent: a person is matched by sub, a practice by author and title, an adoption by
 * practice and region, a comment by author and text; only what is missing is created, so seeding
 * again after a restart creates nothing new.
 */
export async function seedDemoBoard(props: {
  sequelize: Sequelize;
  platform: Launch['platform'];
  boardKey?: string;
  demo?: DemoBoard;
}): Promise<DemoSeedResult> {
  const { sequelize, platform } = props;
  const boardKey = props.boardKey ?? DEFAULT_BOARD;
  const demo = props.demo ?? loadDemoBoard();
  const created: DemoSeedResult = { practices: 0, adoptions: 0, comments: 0 };
  const launches = new Map<string, Launch>();
  for (const person of demo.people) {
    const name = `${person.givenName} ${person.familyName}`;
    const values = { name, givenName: person.givenName, familyName: person.familyName };
    const id = await upsertRow({ model: User, key: { issuer: platform.issuer, sub: demoSub(person) }, values });
    launches.set(person.key, demoLaunch((await User.findByPk(id))!, person, platform, boardKey));
  }
  const practiceIds = new Map<string, number>();
  for (const practice of demo.practices) {
    const launch = launches.get(practice.author)!;
    const where = { issuer: platform.issuer, boardKey, authorId: launch.user.id, title: practice.input.title };
    let row = await Practice.findOne({ where });
    if (!row) {
      row = await createPractice({ sequelize, launch, input: practice.input });
      created.practices++;
    }
    practiceIds.set(practice.key, row.id);
  }
  for (const adoption of demo.adoptions) {
    const launch = launches.get(adoption.by)!;
    const practiceId = practiceIds.get(adoption.practice)!;
    if (await PracticeAdoption.findOne({ where: { practiceId, regionCode: launch.custom.region } })) continue;
    await adoptPractice({ sequelize, launch, practiceId, note: adoption.note });
    created.adoptions++;
  }
  for (const comment of demo.comments) {
    const launch = launches.get(comment.by)!;
    const practiceId = practiceIds.get(comment.practice)!;
    if (await PracticeComment.findOne({ where: { practiceId, authorId: launch.user.id, body: comment.body } }))
      continue;
    await addComment({ sequelize, launch, practiceId, body: comment.body });
    created.comments++;
  }
  return created;
}
