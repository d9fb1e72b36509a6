import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

const opts = (sequelize: Sequelize, tableName: string) => ({
  sequelize,
  tableName,
  underscored: true,
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});
const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const str = (len: number, allowNull = false) => ({ type: DataTypes.STRING(len), allowNull });
// Functions, not shared objects: Sequelize writes the field name into each attribute definition.
const bool = () => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const text = () => ({ type: DataTypes.TEXT, allowNull: false });

/** A live co-development session (migration 0006). */
export class LiveSession extends Model<InferAttributes<LiveSession>, InferCreationAttributes<LiveSession>> {
  declare id: CreationOptional<number>;
  declare contextId: number;
  declare resourceLinkId: number | null;
  declare title: string;
  declare language: string;
  declare templateKey: string;
  /** JSON copy of the SessionTemplate. */
  declare template: string;
  declare anonymous: boolean;
  declare completionReporting: boolean;
  declare voteBudget: number;
  declare votesRevealed: CreationOptional<boolean>;
  declare locked: CreationOptional<boolean>;
  /** JSON array of phase keys. */
  declare lockedPhases: string;
  declare phase: string | null;
  declare timerEndsAt: CreationOptional<Date | null>;
  declare timerRemainingMs: CreationOptional<number | null>;
  declare seq: CreationOptional<number>;
  declare authorSalt: string;
  declare closedAt: CreationOptional<Date | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class SessionNote extends Model<InferAttributes<SessionNote>, InferCreationAttributes<SessionNote>> {
  declare id: CreationOptional<number>;
  declare sessionId: number;
  declare clientId: string;
  declare authorId: number;
  declare lane: string;
  declare columnKey: string;
  declare phase: string | null;
  declare text: string;
  declare colour: string;
  declare clusterId: CreationOptional<string | null>;
  declare deletedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class SessionCluster extends Model<InferAttributes<SessionCluster>, InferCreationAttributes<SessionCluster>> {
  declare id: CreationOptional<number>;
  declare sessionId: number;
  declare clientId: string;
  declare label: string;
  declare deletedAt: CreationOptional<Date | null>;
}

export class SessionVote extends Model<InferAttributes<SessionVote>, InferCreationAttributes<SessionVote>> {
  declare id: CreationOptional<number>;
  declare sessionId: number;
  declare noteId: number;
  declare voterId: number;
  declare count: number;
}

export class SessionEventRow extends Model<InferAttributes<SessionEventRow>, InferCreationAttributes<SessionEventRow>> {
  declare id: CreationOptional<number>;
  declare sessionId: number;
  declare seq: number;
  declare type: string;
  /** JSON: the full event (before it is shaped for a viewer). */
  declare payload: string;
  declare clientId: string;
  declare actorId: number;
  declare createdAt: CreationOptional<Date>;
}

export class SessionParticipant extends Model<
  InferAttributes<SessionParticipant>,
  InferCreationAttributes<SessionParticipant>
> {
  declare id: CreationOptional<number>;
  declare sessionId: number;
  declare userId: number;
  declare regionCode: string | null;
  declare lastSeenAt: Date;
}

/** Models of the live sessions migration (0006). */
export function defineSessionModels(sequelize: Sequelize) {
  LiveSession.init(
    {
      id,
      contextId: int(),
      resourceLinkId: int(true),
      title: str(200),
      language: str(2),
      templateKey: str(64),
      template: text(),
      anonymous: bool(),
      completionReporting: bool(),
      voteBudget: int(),
      votesRevealed: bool(),
      locked: bool(),
      lockedPhases: text(),
      phase: str(64, true),
      timerEndsAt: date(),
      timerRemainingMs: int(true),
      seq: { ...int(), defaultValue: 0 },
      authorSalt: str(64),
      closedAt: date(),
      createdBy: int(),
      createdAt: date(),
      updatedAt: date(),
    },
    opts(sequelize, 'live_sessions'),
  );
  SessionNote.init(
    {
      id,
      sessionId: int(),
      clientId: str(36),
      authorId: int(),
      lane: str(64),
      columnKey: str(64),
      phase: str(64, true),
      text: text(),
      colour: str(16),
      clusterId: str(36, true),
      deletedAt: date(),
      createdAt: date(),
      updatedAt: date(),
    },
    opts(sequelize, 'session_notes'),
  );
  SessionCluster.init(
    { id, sessionId: int(), clientId: str(36), label: str(100), deletedAt: date() },
    opts(sequelize, 'session_clusters'),
  );
  SessionVote.init(
    { id, sessionId: int(), noteId: int(), voterId: int(), count: int() },
    opts(sequelize, 'session_votes'),
  );
  SessionEventRow.init(
    {
      id,
      sessionId: int(),
      seq: int(),
      type: str(32),
      payload: text(),
      clientId: str(36),
      actorId: int(),
      createdAt: date(),
    },
    { sequelize, tableName: 'session_events', underscored: true, createdAt: 'created_at', updatedAt: false },
  );
  SessionParticipant.init(
    { id, sessionId: int(), userId: int(), regionCode: str(40, true), lastSeenAt: date(false) },
    opts(sequelize, 'session_participants'),
  );
}
