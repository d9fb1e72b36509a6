import { QueryTypes, type Sequelize } from 'sequelize';
import { getRoster } from '../../../lti/roster';
import type { SiltaRole } from '../../../lti/roles';
import { PlatformServiceError, type ServiceClient } from '../../../lti/service-client';
import { SiltaError } from '../../errors';
import { GradeOutbox, Membership, ModuleAttempt, User } from '../../store/models';
import { listForResourceLink, retryFailed, type GradeSyncState } from '../grades/grade-outbox.service';
import type { Launch } from '../launches/launch.service';
import type { ModulePack } from './content-pack';
import { authorizeProgress } from './module-progress.policy';

export type ProgressStatus = 'not_started' | 'in_progress' | 'completed';

/**
 * Where the list of people came from: the platform's roster (NRPS), or, when the platform does
 * not offer it or it failed, the people Silta has seen launch into this course.
 */
export type RosterSource =
  { kind: 'nrps' } | { kind: 'known'; reason: 'nrps_not_offered' | 'nrps_failed'; errorCode?: string };

/** One person of the course with their progress on this resource link. */
export type ParticipantProgress = {
  /** The platform's user id (the launch `sub`, NRPS `user_id`). */
  sub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  role: SiltaRole;
  /** NRPS lists the member as not active (suspended enrolment). */
  inactive: boolean;
  /** False for someone with progress here who is no longer on the platform's roster. */
  onRoster: boolean;
  status: ProgressStatus;
  /** A finished trainee has started another attempt. */
  retrying: boolean;
  stepsDone: number;
  stepsTotal: number;
  latestScore: number | null;
  bestScore: number | null;
  timeSpentSeconds: number;
  attempts: number;
  /** The module version the latest attempt is pinned to. */
  version: string | null;
  grade: GradeSyncState | null;
  /** The latest answer to each reflection step, in the module's order. */
  reflections: { stepId: string; text: string }[];
};

export type ProgressReport = { source: RosterSource; learners: ParticipantProgress[]; staffCount: number };

type Person = Pick<ParticipantProgress, 'sub' | 'name' | 'givenName' | 'familyName' | 'email' | 'role' | 'inactive'>;

/** The course members from NRPS, or null with the reason when it cannot be had. */
async function platformRoster(
  client: ServiceClient,
  launch: Launch,
): Promise<{ people: Person[] } | { failed: RosterSource }> {
  const membershipsUrl = launch.context.nrpsUrl;
  if (!membershipsUrl) return { failed: { kind: 'known', reason: 'nrps_not_offered' } };
  try {
    const roster = await getRoster(client, {
      issuer: launch.platform.issuer,
      clientId: launch.platform.clientId,
      membershipsUrl,
    });
    return {
      people: roster.members
        .filter((m) => m.status !== 'Deleted')
        .map((m) => ({
          sub: m.userId,
          name: m.name ?? null,
          givenName: m.givenName ?? null,
          familyName: m.familyName ?? null,
          email: m.email ?? null,
          role: m.role,
          inactive: m.status !== 'Active',
        })),
    };
  } catch (error) {
    // The page still serves the teacher from what Silta knows; the reason goes to the log.
    if (error instanceof PlatformServiceError)
      return { failed: { kind: 'known', reason: 'nrps_failed', errorCode: error.code } };
    throw error;
  }
}

type AttemptRow = Pick<
  ModuleAttempt,
  'id' | 'userId' | 'attemptNo' | 'status' | 'scorePercent' | 'timeSpentSeconds' | 'moduleVersion'
>;

/** Answer counts and reflection texts of every attempt on the link, in two queries. */
async function answersOnLink(sequelize: Sequelize, resourceLinkId: number, pack: ModulePack) {
  const stepIds = pack.steps.map((s) => s.id);
  const counts = await sequelize.query<{ attempt_id: number; answered: number | string }>(
    `SELECT s.attempt_id, COUNT(*) AS answered FROM step_answers s JOIN module_attempts a ON a.id = s.attempt_id
     WHERE a.resource_link_id = :link AND s.step_id IN (:stepIds) GROUP BY s.attempt_id`,
    { replacements: { link: resourceLinkId, stepIds }, type: QueryTypes.SELECT },
  );
  const reflectionIds = pack.steps.filter((s) => s.kind === 'reflection').map((s) => s.id);
  const reflections = reflectionIds.length
    ? await sequelize.query<{ attempt_id: number; step_id: string; answer: string }>(
        `SELECT s.attempt_id, s.step_id, s.answer FROM step_answers s JOIN module_attempts a ON a.id = s.attempt_id
         WHERE a.resource_link_id = :link AND s.step_id IN (:reflectionIds)`,
        { replacements: { link: resourceLinkId, reflectionIds }, type: QueryTypes.SELECT },
      )
    : [];
  const answered = new Map(counts.map((c) => [Number(c.attempt_id), Number(c.answered)]));
  const texts = new Map<number, Map<string, string>>();
  for (const r of reflections) {
    const text = (JSON.parse(r.answer) as { text?: unknown }).text;
    if (typeof text !== 'string') continue;
    const byStep = texts.get(Number(r.attempt_id)) ?? new Map<string, string>();
    byStep.set(r.step_id, text);
    texts.set(Number(r.attempt_id), byStep);
  }
  return { answered, texts, reflectionIds };
}

/** The progress fields of one user from their attempts (oldest first), answers and latest grade row. */
function progressOf(
  pack: ModulePack,
  attempts: AttemptRow[],
  answers: Awaited<ReturnType<typeof answersOnLink>>,
  grade: GradeSyncState | null,
) {
  const latest = attempts.at(-1);
  const completed = attempts.filter((a) => a.status === 'completed');
  const scores = completed.map((a) => a.scorePercent).filter((s): s is number => s !== null);
  const latestAnswered = latest ? (answers.answered.get(latest.id) ?? 0) : 0;
  const status: ProgressStatus = completed.length ? 'completed' : latestAnswered > 0 ? 'in_progress' : 'not_started';
  // The newest answer to each reflection, whichever attempt it was written in.
  const reflections = answers.reflectionIds.flatMap((stepId) => {
    const text = [...attempts]
      .reverse()
      .map((a) => answers.texts.get(a.id)?.get(stepId))
      .find((t) => t !== undefined);
    return text === undefined ? [] : [{ stepId, text }];
  });
  return {
    status,
    retrying: completed.length > 0 && latest?.status === 'in_progress',
    stepsDone: latest?.status === 'completed' ? pack.steps.length : latestAnswered,
    stepsTotal: pack.steps.length,
    latestScore: completed.at(-1)?.scorePercent ?? null,
    bestScore: scores.length ? Math.max(...scores) : null,
    timeSpentSeconds: attempts.reduce((sum, a) => sum + a.timeSpentSeconds, 0),
    attempts: attempts.filter((a) => a.status === 'completed' || (answers.answered.get(a.id) ?? 0) > 0).length,
    version: latest?.moduleVersion ?? null,
    grade,
    reflections,
  };
}

const personOfUser = (user: User, role: SiltaRole): Person => ({
  sub: user.sub,
  name: user.name,
  givenName: user.givenName,
  familyName: user.familyName,
  email: user.email,
  role,
  inactive: false,
});

/**
 * The teacher view of a module link: the course's people (from NRPS, else those Silta has seen in
 * the course) merged with each one's progress on this link and the sync state of their latest
 * grade. Learners are listed; teachers and administrators are only counted.
 */
export async function progressReport(props: {
  sequelize: Sequelize;
  client: ServiceClient;
  launch: Launch;
  pack: ModulePack;
}): Promise<ProgressReport> {
  const { sequelize, client, launch, pack } = props;
  authorizeProgress(launch);
  const link = launch.resourceLink;
  if (!link) throw new SiltaError('module_not_selected', 'bad_request');

  const [roster, memberships, attempts, answers, grades] = await Promise.all([
    platformRoster(client, launch),
    Membership.findAll({ where: { contextId: launch.context.id }, attributes: ['userId', 'role'] }),
    ModuleAttempt.findAll({
      where: { resourceLinkId: link.id },
      attributes: ['id', 'userId', 'attemptNo', 'status', 'scorePercent', 'timeSpentSeconds', 'moduleVersion'],
      order: [['attemptNo', 'ASC']],
    }),
    answersOnLink(sequelize, link.id, pack),
    listForResourceLink(link.id),
  ]);
  const users = await User.findAll({
    where: { id: [...new Set([...memberships.map((m) => m.userId), ...attempts.map((a) => a.userId)])] },
  });
  const userById = new Map(users.map((u) => [u.id, u]));
  const roleOf = new Map(memberships.map((m) => [m.userId, m.role as SiltaRole]));

  const source: RosterSource = 'people' in roster ? { kind: 'nrps' } : roster.failed;
  const people: (Person & { onRoster: boolean })[] =
    'people' in roster
      ? roster.people.map((p) => ({ ...p, onRoster: true }))
      : memberships.flatMap((m) => {
          const user = userById.get(m.userId);
          return user ? [{ ...personOfUser(user, m.role as SiltaRole), onRoster: true }] : [];
        });
  // Someone with progress here who is not on the roster (unenrolled since) is still shown.
  const listed = new Set(people.map((p) => p.sub));
  for (const userId of new Set(attempts.map((a) => a.userId))) {
    const user = userById.get(userId);
    if (user && user.issuer === launch.platform.issuer && !listed.has(user.sub)) {
      people.push({ ...personOfUser(user, roleOf.get(userId) ?? 'learner'), onRoster: false });
      listed.add(user.sub);
    }
  }

  const userBySub = new Map(users.filter((u) => u.issuer === launch.platform.issuer).map((u) => [u.sub, u]));
  const attemptsBy = new Map<number, AttemptRow[]>();
  for (const a of attempts) {
    const own = attemptsBy.get(a.userId);
    if (own) own.push(a);
    else attemptsBy.set(a.userId, [a]);
  }
  // One row per user: their newest, which tells where their grade stands.
  const latestGrade = new Map(grades.map((g) => [g.userId, g]));

  const collator = new Intl.Collator(launch.language, { sensitivity: 'base' });
  const sortKey = (p: Person) => [p.familyName ?? p.name ?? '', p.givenName ?? '', p.sub].join('\u0000');
  const learners = people
    .filter((p) => p.role === 'learner')
    .map((p): ParticipantProgress => {
      const user = userBySub.get(p.sub);
      const own = user ? (attemptsBy.get(user.id) ?? []) : [];
      return {
        ...p,
        name: p.name ?? user?.name ?? null,
        email: p.email ?? user?.email ?? null,
        ...progressOf(pack, own, answers, user ? (latestGrade.get(user.id) ?? null) : null),
      };
    })
    .sort((a, b) => collator.compare(sortKey(a), sortKey(b)));
  return { source, learners, staffCount: people.filter((p) => p.role !== 'learner').length };
}

/**
 * A teacher's "send again" for one failed grade of this link. A row of another link (or none)
 * is `grade_not_found` and nothing changes. Returns how many rows went back to the queue: 0 when
 * the row is no longer failed (sent meanwhile, or a second click).
 */
export async function retryGrade(props: { launch: Launch; outboxId: number }): Promise<number> {
  authorizeProgress(props.launch);
  const resourceLinkId = props.launch.resourceLink?.id;
  const row =
    resourceLinkId === undefined
      ? null
      : await GradeOutbox.findOne({ where: { id: props.outboxId, resourceLinkId }, attributes: ['id'] });
  if (!row || resourceLinkId === undefined)
    throw new SiltaError('grade_not_found', 'not_found', String(props.outboxId));
  return retryFailed({ id: row.id, resourceLinkId });
}

/** A teacher's "send all again": every failed grade of this link back to the queue. */
export async function retryAllGrades(props: { launch: Launch }): Promise<number> {
  authorizeProgress(props.launch);
  const resourceLinkId = props.launch.resourceLink?.id;
  if (resourceLinkId === undefined) throw new SiltaError('module_not_selected', 'bad_request');
  return retryFailed({ resourceLinkId });
}
