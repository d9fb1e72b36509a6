import { Op, type Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import { AdminLoginThrottle, AdminUser } from '../../store/admin-models';
import { inTransaction } from '../../store/transaction';
import { decoyHash, hashPassword, verifyPassword } from './password';

/** Failures within WINDOW_MS that lock an account name, or a client address (which may try many names). */
export const ACCOUNT_FAILURE_LIMIT = 5;
export const ADDRESS_FAILURE_LIMIT = 20;
const WINDOW_MS = 15 * 60_000;
/** The first lock; each further lock of the same key lasts twice as long, up to a day. */
export const FIRST_LOCK_MS = 15 * 60_000;
const MAX_LOCK_MS = 24 * 3600_000;

/** Usernames are compared case-insensitively and without surrounding spaces. */
export const normalizeUsername = (username: string) => username.trim().toLowerCase();

const keysOf = (username: string, address: string) => [
  { key: `account:${normalizeUsername(username)}`, limit: ACCOUNT_FAILURE_LIMIT },
  { key: `address:${address}`, limit: ADDRESS_FAILURE_LIMIT },
];

function lockedError(until: Date, now: Date): SiltaError {
  return new SiltaError('admin_login_locked', 'too_many', `locked until ${until.toISOString()}`, {
    minutes: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000)),
  });
}

async function lockedUntil(keys: string[], now: Date): Promise<Date | null> {
  const locked = await AdminLoginThrottle.findAll({ where: { key: { [Op.in]: keys }, lockedUntil: { [Op.gt]: now } } });
  return locked.reduce<Date | null>(
    (latest, row) => (!latest || row.lockedUntil! > latest ? row.lockedUntil : latest),
    null,
  );
}

/** Counts one failure against a key; the failure that reaches the limit locks the key. */
async function recordFailure(sequelize: Sequelize, key: string, limit: number, now: Date): Promise<void> {
  await inTransaction(sequelize, async (transaction) => {
    const row = await AdminLoginThrottle.findByPk(key, { transaction });
    const idle = row ? now.getTime() - row.lastFailureAt.getTime() : Infinity;
    const stale = idle > WINDOW_MS && !(row?.lockedUntil && row.lockedUntil > now);
    let failures = stale ? 1 : row!.failures + 1;
    let locks = !row || idle > MAX_LOCK_MS ? 0 : row.locks;
    let until = row?.lockedUntil ?? null;
    if (failures >= limit) {
      until = new Date(now.getTime() + Math.min(FIRST_LOCK_MS * 2 ** locks, MAX_LOCK_MS));
      locks += 1;
      failures = 0;
    }
    if (row) await row.update({ failures, locks, lastFailureAt: now, lockedUntil: until }, { transaction });
    else
      await AdminLoginThrottle.create(
        { key, failures, locks, lastFailureAt: now, lockedUntil: until },
        { transaction },
      );
  });
}

/**
 * Checks an admin's username and password from a client address. A locked account name or
 * address is refused before any password is checked (`admin_login_locked`, with the minutes
 * left); a wrong password and an unknown username cost the same scrypt work and give the same
 * `admin_login_failed`; the failure that reaches a limit answers with the lock at once.
 */
export async function authenticate(props: {
  sequelize: Sequelize;
  username: string;
  password: string;
  address: string;
  now?: Date;
}): Promise<AdminUser> {
  const now = props.now ?? new Date();
  const keys = keysOf(props.username, props.address);
  const until = await lockedUntil(
    keys.map((k) => k.key),
    now,
  );
  if (until) throw lockedError(until, now);
  const user = await AdminUser.findOne({ where: { username: normalizeUsername(props.username) } });
  const matches = await verifyPassword(props.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !matches) {
    for (const { key, limit } of keys) await recordFailure(props.sequelize, key, limit, now);
    const lockedNow = await lockedUntil(
      keys.map((k) => k.key),
      now,
    );
    if (lockedNow) throw lockedError(lockedNow, now);
    throw new SiltaError('admin_login_failed', 'unauthorized', `for ${normalizeUsername(props.username)}`);
  }
  await inTransaction(props.sequelize, async (transaction) => {
    await AdminLoginThrottle.destroy({ where: { key: keys[0].key }, transaction });
    await user.update({ lastLoginAt: now }, { transaction });
  });
  return user;
}

/** Creates an admin account (`npm run admin:create`); an existing username is `admin_exists`. */
export async function createAdmin(props: {
  sequelize: Sequelize;
  username: string;
  password: string;
}): Promise<AdminUser> {
  const username = normalizeUsername(props.username);
  const passwordHash = await hashPassword(props.password);
  return inTransaction(props.sequelize, async (transaction) => {
    if (await AdminUser.findOne({ where: { username }, transaction }))
      throw new SiltaError('admin_exists', 'conflict', username);
    return AdminUser.create({ username, passwordHash, lastLoginAt: null }, { transaction });
  });
}

/** An admin by id, for the session (passport's deserializeUser); undefined once removed. */
export async function findAdmin(id: number): Promise<AdminUser | undefined> {
  return (await AdminUser.findByPk(id)) ?? undefined;
}
