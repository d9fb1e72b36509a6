import type { Sequelize } from 'sequelize';
import { SiltaError, ValidationError } from '../../errors';
import { User } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import { forgetLaunchRecords } from '../launches/launch.service';
import { isErasedSub } from './personal-data';
import { PERSONAL_DATA_SOURCES } from './personal-data-sources';
import { userRefSchema, type UserRef } from './privacy.schema';

/** Everything Silta holds about one user, by source (`account`, `modules`, `grades`, `board`, ...). */
export type PersonalDataExport = {
  format: 'silta-personal-data/1';
  exportedAt: string;
  userId: number;
  data: Record<string, unknown>;
};

export type Erasure = { userId: number; removed: boolean; alreadyErased: boolean };

/** The user a reference names; `user_not_found` when there is none. */
async function findUser(ref: unknown): Promise<User> {
  const parsed = userRefSchema.safeParse(ref);
  if (!parsed.success)
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const where =
    'userId' in parsed.data ? { id: parsed.data.userId } : { issuer: parsed.data.issuer, sub: parsed.data.sub };
  const user = await User.findOne({ where });
  if (!user)
    throw new SiltaError(
      'user_not_found',
      'not_found',
      'userId' in parsed.data ? `user ${parsed.data.userId}` : 'no user with that issuer and sub',
    );
  return user;
}

/** Exports everything Silta holds about a user as JSON, read in one transaction (a consistent picture). */
export async function exportUser(props: { sequelize: Sequelize; user: UserRef }): Promise<PersonalDataExport> {
  const user = await findUser(props.user);
  const data = await inTransaction(props.sequelize, async (transaction) => {
    const parts: Record<string, unknown> = {};
    for (const source of PERSONAL_DATA_SOURCES) parts[source.name] = await source.export(user.id, transaction);
    return parts;
  });
  return { format: 'silta-personal-data/1', exportedAt: new Date().toISOString(), userId: user.id, data };
}

/**
 * Erases a user's personal data in one transaction: name, email and platform id replaced, what
 * only concerned them removed, their posts kept under "deleted user" (or deleted with `remove`).
 * Erasing an erased user again is allowed (e.g. to remove the posts later).
 */
export async function eraseUser(props: { sequelize: Sequelize; user: UserRef; remove?: boolean }): Promise<Erasure> {
  const user = await findUser(props.user);
  const remove = props.remove ?? false;
  await inTransaction(props.sequelize, async (transaction) => {
    for (const source of PERSONAL_DATA_SOURCES) await source.erase(user.id, { remove }, transaction);
  });
  // A launch within minutes would otherwise find the erased row in this process's cache.
  forgetLaunchRecords();
  return { userId: user.id, removed: remove, alreadyErased: isErasedSub(user.sub) };
}
