import { Op, type Sequelize } from 'sequelize';
import type { Logger } from '../../logger';
import { User } from '../../store/models';
import { ERASED_SUB_PREFIX } from './personal-data';
import { eraseUser } from './privacy.service';

const DAY_MS = 24 * 3600_000;
/** Users erased per query; the run continues until none is left. */
const BATCH = 100;

/** The moment `months` calendar months before `now`. */
export function monthsBefore(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

/**
 * Erases the personal data (posts kept under "deleted user") of every user not active for
 * `months` months: last active is the user row's `updated_at`, which each launch moves on at
 * least daily (user-activity.ts). Returns the ids erased.
 */
export async function eraseInactiveUsers(props: {
  sequelize: Sequelize;
  months: number;
  now?: Date;
  logger?: Logger;
}): Promise<number[]> {
  if (props.months <= 0) return [];
  const cutoff = monthsBefore(props.now ?? new Date(), props.months);
  const erased: number[] = [];
  for (;;) {
    const users = await User.findAll({
      attributes: ['id'],
      where: { updated_at: { [Op.lt]: cutoff }, sub: { [Op.notLike]: `${ERASED_SUB_PREFIX}%` } } as never,
      order: [['id', 'ASC']],
      limit: BATCH,
    });
    for (const user of users) {
      await eraseUser({ sequelize: props.sequelize, user: { userId: user.id } });
      erased.push(user.id);
    }
    if (users.length < BATCH) break;
  }
  if (erased.length)
    props.logger?.info({ count: erased.length, months: props.months }, 'retention: inactive users erased');
  return erased;
}

/**
 * Runs the retention every day, the first time a minute after start (not during the boot rush).
 * Several instances may run it at once: erasing an erased user again changes nothing.
 */
export function scheduleRetention(props: { sequelize: Sequelize; months: number; logger: Logger }): { stop(): void } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => eraseInactiveUsers(props))
      .catch((err) => props.logger.error({ err }, 'retention run failed'));
  };
  const first = setTimeout(run, 60_000);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}
