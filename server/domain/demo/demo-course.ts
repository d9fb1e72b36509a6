import type { DevPlatform, PlacedLink } from '../../../lti/dev-platform/dev-platform';
import { catalogue } from '../catalogue/catalogue';
import { DEFAULT_BOARD } from '../board/board.service';
import type { ModulePack } from '../modules/content-pack';

/** The module a newcomer meets first: the service chain is what the rest of Silta talks about. */
export const DEMO_MODULE = 'work-ability-service-chain';

/**
 * Places one activity of each kind (a training module, the peer-learning board, a live session)
 * in every course of the development platform, as a teacher would by deep linking, with the
 * module's gradebook column. Idempotent: an activity already in a course is not placed again.
 */
export function placeDemoActivities(
  platform: DevPlatform,
  packs: ReadonlyMap<string, ModulePack>,
  boardKey = DEFAULT_BOARD,
): PlacedLink[] {
  const slug = packs.has(DEMO_MODULE) ? DEMO_MODULE : [...packs.keys()][0];
  const items = catalogue(packs, 'fi').filter(
    (item) => item.key === `module-${slug}` || item.key === 'board' || item.key === 'session',
  );
  const placed: PlacedLink[] = [];
  for (const course of platform.courses()) {
    for (const item of items) {
      const custom =
        item.key === 'board' && boardKey !== DEFAULT_BOARD ? { ...item.custom, board: boardKey } : item.custom;
      const same = JSON.stringify(custom);
      const existing = platform.linksOf(course.id).find((link) => JSON.stringify(link.custom) === same);
      if (existing) {
        placed.push(existing);
        continue;
      }
      const link = { courseId: course.id, title: item.title, custom };
      placed.push(
        item.scoreMaximum === undefined
          ? platform.placeLink(link)
          : platform.placeGradedLink(link, { scoreMaximum: item.scoreMaximum }),
      );
    }
  }
  return placed;
}
