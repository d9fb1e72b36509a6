import crypto from 'node:crypto';
import { Context, LaunchSession, Membership, User, UserRegion } from '../../store/models';
import { ERASED_SUB_PREFIX, json, plain, type PersonalDataSource } from './personal-data';

/**
 * The user row and how the user came to Silta: course memberships (with the course), launch
 * sessions and the chosen region. Erasure replaces the name, email and platform id, and removes
 * the memberships, sessions and region: the row stays so that posts and attempts keep an author.
 */
export const accountPersonalData: PersonalDataSource = {
  name: 'account',
  tables: ['users', 'memberships', 'launch_sessions', 'user_regions'],
  async export(userId, transaction) {
    const user = await User.findByPk(userId, { transaction, rejectOnEmpty: true });
    const memberships = await Membership.findAll({ where: { userId }, order: [['id', 'ASC']], transaction });
    const contexts = await Context.findAll({ where: { id: memberships.map((m) => m.contextId) }, transaction });
    const sessions = await LaunchSession.findAll({ where: { userId }, order: [['createdAt', 'ASC']], transaction });
    const region = await UserRegion.findByPk(userId, { transaction });
    return {
      user: plain(user),
      memberships: memberships.map((m) => {
        const context = contexts.find((c) => c.id === m.contextId);
        return {
          ...plain(m),
          ltiRoles: json(m.ltiRoles),
          context: context
            ? { issuer: context.issuer, ltiContextId: context.ltiContextId, title: context.title, label: context.label }
            : null,
        };
      }),
      // The session id is a bearer token: it stays out of a file that may travel by email.
      launchSessions: sessions.map((s) => ({
        ...plain(s, ['id', 'nonce']),
        custom: json(s.custom),
        deepLinking: json(s.deepLinking),
      })),
      region: region?.regionCode ?? null,
    };
  },
  async erase(userId, _mode, transaction) {
    await LaunchSession.destroy({ where: { userId }, transaction });
    await Membership.destroy({ where: { userId }, transaction });
    await UserRegion.destroy({ where: { userId }, transaction });
    // A new random platform id: the same person launching again becomes a new, unrelated user.
    await User.update(
      { sub: `${ERASED_SUB_PREFIX}${crypto.randomUUID()}`, name: null, givenName: null, familyName: null, email: null },
      { where: { id: userId }, transaction },
    );
  },
};
