import { Op } from 'sequelize';
import { translator, type Language } from '../../i18n';
import { User } from '../../store/models';
import { isErasedSub } from '../privacy/personal-data';

/** A user's name as the platform last sent it: the full name, else given + family name; null when none was shared. */
export function displayName(user: Pick<User, 'name' | 'givenName' | 'familyName'>): string | null {
  return user.name || [user.givenName, user.familyName].filter(Boolean).join(' ') || null;
}

/**
 * Display names of users by id, for what they wrote (board posts, session notes). An erased
 * user is "deleted user" in `lang`; without a language, erased users have no name (null).
 */
export async function displayNames(ids: number[], lang?: Language): Promise<Map<number, string | null>> {
  const unique = [...new Set(ids)];
  const users = unique.length ? await User.findAll({ where: { id: { [Op.in]: unique } } }) : [];
  const deleted = lang ? translator(lang)('privacy.deleted_user') : null;
  return new Map(users.map((u) => [u.id, isErasedSub(u.sub) ? deleted : displayName(u)]));
}
