import session from 'express-session';
import { Op, type Sequelize } from 'sequelize';
import { AdminSession } from '../../store/admin-models';
import { inTransaction } from '../../store/transaction';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** Admin sessions in the database (table `admin_sessions`), so any instance serves any admin. */
export class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly sequelize: Sequelize,
    /** How long a session lives without a request (the idle timeout). */
    private readonly idleMs: number,
  ) {
    super();
  }

  private expiry(data: session.SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.idleMs);
  }

  get(sid: string, callback: Callback<session.SessionData | null>): void {
    AdminSession.findOne({ where: { sid, expiresAt: { [Op.gt]: new Date() } } })
      .then((row) => callback(undefined, row ? (JSON.parse(row.data) as session.SessionData) : null))
      .catch(callback);
  }

  set(sid: string, data: session.SessionData, callback: Callback = () => undefined): void {
    inTransaction(this.sequelize, async (transaction) => {
      const values = { data: JSON.stringify(data), expiresAt: this.expiry(data) };
      const [updated] = await AdminSession.update(values, { where: { sid }, transaction });
      if (!updated) await AdminSession.create({ sid, ...values }, { transaction });
    })
      .then(() => callback())
      .catch(callback);
  }

  override touch(sid: string, data: session.SessionData, callback: Callback = () => undefined): void {
    inTransaction(this.sequelize, (transaction) =>
      AdminSession.update({ expiresAt: this.expiry(data) }, { where: { sid }, transaction }),
    )
      .then(() => callback())
      .catch(callback);
  }

  destroy(sid: string, callback: Callback = () => undefined): void {
    inTransaction(this.sequelize, (transaction) => AdminSession.destroy({ where: { sid }, transaction }))
      .then(() => callback())
      .catch(callback);
  }

  /** Removes expired sessions; returns how many. */
  prune(now: Date = new Date()): Promise<number> {
    return inTransaction(this.sequelize, (transaction) =>
      AdminSession.destroy({ where: { expiresAt: { [Op.lte]: now } }, transaction }),
    );
  }
}
