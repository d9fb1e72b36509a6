import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class AdminUser extends Model<InferAttributes<AdminUser>, InferCreationAttributes<AdminUser>> {
  declare id: CreationOptional<number>;
  declare username: string;
  /** `scrypt$N$r$p$salt$hash` (server/domain/admin/password.ts). */
  declare passwordHash: string;
  declare lastLoginAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class AdminSession extends Model<InferAttributes<AdminSession>, InferCreationAttributes<AdminSession>> {
  declare sid: string;
  /** The express-session data, JSON. */
  declare data: string;
  declare expiresAt: Date;
}

/** Failed logins of one key: `account:<username>` or `address:<ip>`. */
export class AdminLoginThrottle extends Model<
  InferAttributes<AdminLoginThrottle>,
  InferCreationAttributes<AdminLoginThrottle>
> {
  declare key: string;
  declare failures: number;
  /** How many times the key was locked: each lock lasts twice as long as the one before. */
  declare locks: number;
  declare lastFailureAt: Date;
  declare lockedUntil: Date | null;
}

/** A tool key replaced by a rotation: still in the JWKS until `removeAfter`. */
export class RetiredToolKey extends Model<InferAttributes<RetiredToolKey>, InferCreationAttributes<RetiredToolKey>> {
  declare kid: string;
  declare issuer: string;
  declare clientId: string;
  declare replacedBy: string;
  declare retiredAt: Date;
  declare removeAfter: Date;
}

/** Models of the admin console migration (0007). */
export function defineAdminModels(sequelize: Sequelize) {
  const str = (length: number, allowNull = false) => ({ type: DataTypes.STRING(length), allowNull });
  const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
  // A fresh object per attribute: Sequelize writes the column name into the definition it is given.
  const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
  AdminUser.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      username: str(100),
      passwordHash: str(255),
      lastLoginAt: date(),
      createdAt: date(),
      updatedAt: date(),
    },
    { sequelize, tableName: 'admin_users', underscored: true, createdAt: 'created_at', updatedAt: 'updated_at' },
  );
  AdminSession.init(
    {
      sid: { type: DataTypes.STRING(128), primaryKey: true },
      data: { type: DataTypes.TEXT, allowNull: false },
      expiresAt: date(false),
    },
    { sequelize, tableName: 'admin_sessions', underscored: true, timestamps: false },
  );
  AdminLoginThrottle.init(
    {
      key: { type: DataTypes.STRING(200), primaryKey: true },
      failures: int(),
      locks: int(),
      lastFailureAt: date(false),
      lockedUntil: date(),
    },
    { sequelize, tableName: 'admin_login_throttles', underscored: true, timestamps: false },
  );
  RetiredToolKey.init(
    {
      kid: { type: DataTypes.STRING(64), primaryKey: true },
      issuer: str(512),
      clientId: str(255),
      replacedBy: str(64),
      retiredAt: date(false),
      removeAfter: date(false),
    },
    { sequelize, tableName: 'retired_tool_keys', underscored: true, timestamps: false },
  );
}
