import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** Whether a platform's score service answers, shared by the grade workers of every instance (migration 0017). */
export class GradePlatformHealth extends Model<
  InferAttributes<GradePlatformHealth>,
  InferCreationAttributes<GradePlatformHealth>
> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare clientId: string;
  /** Null while the platform answers; set by the first retryable failure. */
  declare failingSince: Date | null;
  /** Retryable failures in a row (the probe backoff's exponent). */
  declare failures: CreationOptional<number>;
  /** When the next probe may go (null while reachable). */
  declare nextTryAt: Date | null;
  /** The worker sending the probe, and until when it holds it. */
  declare probeToken: CreationOptional<string | null>;
  declare probeUntil: CreationOptional<Date | null>;
  declare lastErrorCode: string | null;
  declare lastError: string | null;
  declare lastSuccessAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** Models of the grade platform health migration (0017). */
export function defineGradeHealthModels(sequelize: Sequelize) {
  const date = () => ({ type: DataTypes.DATE, allowNull: true });
  GradePlatformHealth.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      issuer: { type: DataTypes.STRING(512), allowNull: false },
      clientId: { type: DataTypes.STRING(255), allowNull: false },
      failingSince: date(),
      failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextTryAt: date(),
      probeToken: { type: DataTypes.STRING(64), allowNull: true },
      probeUntil: date(),
      lastErrorCode: { type: DataTypes.STRING(64), allowNull: true },
      lastError: { type: DataTypes.TEXT, allowNull: true },
      lastSuccessAt: date(),
      createdAt: date(),
      updatedAt: date(),
    },
    {
      sequelize,
      tableName: 'grade_platform_health',
      underscored: true,
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
  );
}
