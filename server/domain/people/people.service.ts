import { fn, col, Op, where, type Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import type { Logger } from '../../logger';
import { Context, Membership, User } from '../../store/models';
import { ERASED_SUB_PREFIX, isErasedSub } from '../privacy/personal-data';
import { eraseUser, exportUser, type Erasure } from '../privacy/privacy.service';

/** How many people one search shows at most. */
export const SEARCH_LIMIT = 50;

export type Person = {
  id: number;
  issuer: string;
  sub: string;
  name: string | null;
  email: string | null;
  erased: boolean;
};

const personOf = (user: User): Person => ({
  id: user.id,
  issuer: user.issuer,
  sub: user.sub,
  name: user.name ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || null),
  email: user.email,
  erased: isErasedSub(user.sub),
});

/**
 * People by platform identity (issuer and sub: at most one), or by a part of their name or
 * email address, case-insensitively, erased users left out. LIKE's wildcards in the text match
 * any one character rather than anything.
 */
export async function findPeople(search: { issuer: string; sub: string } | { q: string }): Promise<Person[]> {
  if ('issuer' in search)
    return (await User.findAll({ where: { issuer: search.issuer, sub: search.sub } })).map(personOf);
  const pattern = `%${search.q.toLowerCase().replace(/[%\\]/g, '_')}%`;
  const like = (column: string) => where(fn('LOWER', col(column)), { [Op.like]: pattern });
  const users = await User.findAll({
    where: {
      [Op.and]: [
        { sub: { [Op.notLike]: `${ERASED_SUB_PREFIX}%` } },
        { [Op.or]: ['name', 'given_name', 'family_name', 'email'].map(like) },
      ],
    },
    order: [['id', 'ASC']],
    limit: SEARCH_LIMIT + 1,
  });
  return users.map(personOf);
}

/** One person by Silta's id; `user_not_found` when there is none. */
export async function findPerson(id: number): Promise<Person & { courses: string[] }> {
  const user = await User.findByPk(id);
  if (!user) throw new SiltaError('user_not_found', 'not_found', `user ${id}`);
  const memberships = await Membership.findAll({ attributes: ['contextId'], where: { userId: id } });
  const contexts = await Context.findAll({
    attributes: ['title', 'label', 'ltiContextId'],
    where: { id: { [Op.in]: memberships.map((m) => m.contextId) } },
  });
  return { ...personOf(user), courses: contexts.map((c) => c.title ?? c.label ?? c.ltiContextId) };
}

/** One kind of thing Silta holds about a person (`board.comments`) and how many. */
export type Holding = { kind: string; count: number };

/**
 * What Silta holds about a person, counted per kind from the same export the person would get:
 * every list in every source's part. A source added later shows up without a change here.
 */
export async function holdingsOf(sequelize: Sequelize, userId: number): Promise<Holding[]> {
  const exported = await exportUser({ sequelize, user: { userId } });
  return Object.entries(exported.data).flatMap(([source, part]): Holding[] => {
    if (Array.isArray(part)) return [{ kind: source, count: part.length }];
    if (!part || typeof part !== 'object') return [];
    return Object.entries(part).flatMap(([key, value]) =>
      Array.isArray(value) ? [{ kind: `${source}.${key}`, count: value.length }] : [],
    );
  });
}

/**
 * Erases a person from the console and logs who did it, when (the log line's time) and to which
 * user id; nothing personal goes to the log.
 */
export async function eraseFromConsole(props: {
  sequelize: Sequelize;
  logger: Pick<Logger, 'info'>;
  adminId: number;
  userId: number;
  remove: boolean;
}): Promise<Erasure> {
  const erased = await eraseUser({ sequelize: props.sequelize, user: { userId: props.userId }, remove: props.remove });
  props.logger.info(
    {
      event: 'user_erased',
      adminId: props.adminId,
      userId: erased.userId,
      removed: erased.removed,
      alreadyErased: erased.alreadyErased,
    },
    'user erased in the admin console',
  );
  return erased;
}
