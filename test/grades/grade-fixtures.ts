import type { DevPlatform, LineItem as PlatformLineItem, PlacedLink } from '../../lti/dev-platform/dev-platform';
import type { Answer } from '../../lti/dev-platform/dev-platform-gradebook';
import { ServiceClient } from '../../lti/service-client';
import { enqueueScore } from '../../server/domain/grades/grade-outbox.service';
import { GradeWorker, type GradeWorkerOptions } from '../../server/domain/grades/grade-worker';
import { createLogger } from '../../server/logger';
import { GradePlatformHealth } from '../../server/store/grade-health-models';
import { GradeOutbox, LaunchSession, ResourceLink, User } from '../../server/store/models';
import { inTransaction } from '../../server/store/transaction';
import { launchSession } from '../helpers/launch';
import type { TestSilta } from '../helpers/test-app';

/** A placed activity in course 2, launched once by a persona, with Silta's rows for it. */
export type GradedLink = {
  link: PlacedLink;
  /** The platform's line item, when the link was placed with one (as deep linking does). */
  item?: PlatformLineItem;
  resourceLinkId: number;
  /** The launching persona's Silta user id. */
  userId: number;
};

let seq = 0;

/** Places a fresh activity (so tests share no gradebook state) and launches it for real. */
export async function gradedLink(
  t: TestSilta,
  options: { lineItem?: boolean; persona?: 'trainee' | 'developer'; scoreMaximum?: number } = {},
): Promise<GradedLink> {
  const title = `Arvioitava moduuli ${++seq}`;
  const link = t.devPlatform.placeLink({ courseId: '2', title, custom: {} });
  let item: PlatformLineItem | undefined;
  if (options.lineItem ?? true) {
    item = t.devPlatform.addLineItem({
      courseId: '2',
      label: title,
      scoreMaximum: options.scoreMaximum ?? 100,
      resourceLinkId: link.id,
    });
    link.lineItemId = item.id;
  }
  const session = await launchAs(t, link, options.persona ?? 'trainee');
  return { link, item, resourceLinkId: session.resourceLinkId!, userId: session.userId };
}

/** Launches a placed link as a persona; returns the launch session row (user and link ids). */
export async function launchAs(t: TestSilta, link: PlacedLink, persona: 'trainee' | 'developer') {
  const { lt } = await launchSession(t, { persona, resourceLinkId: link.id });
  return (await LaunchSession.findByPk(lt))!;
}

/** A Silta user of the development platform that never launched (e.g. a demo learner, or an unknown sub). */
export async function platformUser(t: TestSilta, sub: string): Promise<number> {
  const [user] = await User.findOrCreate({
    where: { issuer: t.devPlatform.issuer, sub },
    defaults: { issuer: t.devPlatform.issuer, sub, name: null, givenName: null, familyName: null, email: null },
  });
  return user.id;
}

/** Queues a score as the module flow does: enqueueScore in a transaction, the AGS claim from the launch. */
export async function queueScore(
  t: TestSilta,
  target: { resourceLinkId: number; userId: number },
  score: { scoreGiven: number; scoreMaximum?: number },
): Promise<GradeOutbox> {
  const link = (await ResourceLink.findByPk(target.resourceLinkId))!;
  return inTransaction(t.silta.sequelize, (transaction) =>
    enqueueScore(transaction, {
      issuer: t.devPlatform.issuer,
      clientId: t.devPlatform.clientId,
      resourceLinkId: target.resourceLinkId,
      userId: target.userId,
      attemptId: null,
      lineItemUrl: link.agsLineitem,
      lineitemsUrl: link.agsLineitems,
      scoreGiven: score.scoreGiven,
      scoreMaximum: score.scoreMaximum ?? 10,
    }),
  );
}

/** A clock that runs with real time and can be pushed ahead, for the worker's `now`. */
export function testClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
}

/** A worker with its own client and small delays, limited to the given links so other tests' rows stay put. */
export function testWorker(
  t: TestSilta,
  resourceLinkIds: number[],
  options: Partial<Omit<GradeWorkerOptions, 'logger'>> & { timeoutMs?: number } = {},
): GradeWorker {
  const {
    timeoutMs = 3000,
    client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti, timeoutMs }),
    ...rest
  } = options;
  return new GradeWorker({
    client,
    logger: createLogger('silent'),
    pollMs: 20,
    batchSize: 10,
    maxTries: 5,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    random: () => 0.5,
    resourceLinkIds,
    ...rest,
  });
}

/**
 * Forgets every platform's failure (all tests share the development platform, and a failing
 * platform holds back every row of it) and the simulated failures not used yet.
 */
export async function resetPlatform(t: TestSilta): Promise<void> {
  t.devPlatform.auth.clearFailures();
  await GradePlatformHealth.destroy({ where: {} });
}

/** Counts the service calls the development platform answered with a simulated failure. */
export function countFailedCalls(platform: DevPlatform) {
  const auth = platform.auth;
  const original = auth.takeFailure;
  let failed = 0;
  auth.takeFailure = function (target) {
    const failure = original.call(auth, target);
    if (failure && target === 'services') failed++;
    return failure;
  };
  return {
    get count() {
      return failed;
    },
    restore: () => {
      auth.takeFailure = original;
    },
  };
}

export type ScorePost = { itemId: string; userId: string; timestamp: string; scoreGiven: unknown; status: number };

/**
 * Records every score POST that reached the development platform's gradebook (a simulated
 * failure answers before it), with the platform's answer: how we count "exactly once".
 */
export function recordScorePosts(platform: DevPlatform) {
  const gradebook = platform.gradebook;
  const original = gradebook.postScore;
  const posts: ScorePost[] = [];
  gradebook.postScore = (item, body): Answer => {
    const answer = original.call(gradebook, item, body);
    const score = (body ?? {}) as Record<string, unknown>;
    posts.push({
      itemId: item.id,
      userId: String(score.userId),
      timestamp: String(score.timestamp),
      scoreGiven: score.scoreGiven,
      status: answer.status,
    });
    return answer;
  };
  return {
    posts,
    /** The POSTs for one line item (and user). */
    to: (itemId: string, userId?: string) =>
      posts.filter((p) => p.itemId === itemId && (userId === undefined || p.userId === userId)),
    restore: () => {
      gradebook.postScore = original;
    },
  };
}

/** The platform's line item id of a stored line item URL (`.../lineitems/<id>/lineitem?type_id=1`). */
export function platformItemId(url: string): string {
  return /\/lineitems\/(\d+)\/lineitem/.exec(url)![1];
}

/** Waits until `check` holds, polling. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The row as stored now. */
export const reload = (row: { id: number }) => GradeOutbox.findByPk(row.id, { rejectOnEmpty: true });
