import {
  DataTypes,
  Model,
  type InferAttributes,
  type InferCreationAttributes,
  type CreationOptional,
  type Sequelize,
  type ModelAttributes,
} from 'sequelize';
import { defineSessionModels } from './session-models';
import { defineAdminModels } from './admin-models';
import { defineGradeHealthModels } from './grade-health-models';
import { defineModuleVersionModels } from './module-version-models';

const opts = (sequelize: Sequelize, tableName: string) => ({
  sequelize,
  tableName,
  underscored: true,
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});
const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

export class Deployment extends Model<InferAttributes<Deployment>, InferCreationAttributes<Deployment>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare clientId: string;
  declare deploymentId: string;
  declare label: string | null;
}

export class PlatformMeta extends Model<InferAttributes<PlatformMeta>, InferCreationAttributes<PlatformMeta>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare clientId: string;
  declare name: string;
  declare product: string | null;
  declare origins: string;
  declare registeredBy: 'dynamic' | 'manual' | 'dev';
}

export class RegistrationInvite extends Model<
  InferAttributes<RegistrationInvite>,
  InferCreationAttributes<RegistrationInvite>
> {
  declare id: CreationOptional<number>;
  declare tokenHash: string;
  declare expiresAt: Date;
  declare usedAt: Date | null;
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare sub: string;
  declare name: string | null;
  declare givenName: string | null;
  declare familyName: string | null;
  declare email: string | null;
}

export class Context extends Model<InferAttributes<Context>, InferCreationAttributes<Context>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare clientId: string;
  declare deploymentId: string;
  declare ltiContextId: string;
  declare title: string | null;
  declare label: string | null;
  declare nrpsUrl: string | null;
}

export class ResourceLink extends Model<InferAttributes<ResourceLink>, InferCreationAttributes<ResourceLink>> {
  declare id: CreationOptional<number>;
  declare contextId: number;
  declare ltiResourceLinkId: string;
  declare title: string | null;
  declare custom: string | null;
  declare agsLineitem: string | null;
  declare agsLineitems: string | null;
  declare agsScopes: string | null;
}

export class Membership extends Model<InferAttributes<Membership>, InferCreationAttributes<Membership>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare contextId: number;
  declare role: string;
  declare ltiRoles: string;
}

export class LaunchSession extends Model<InferAttributes<LaunchSession>, InferCreationAttributes<LaunchSession>> {
  declare id: string;
  /** The launch's id_token nonce (unique: a replayed launch is refused). */
  declare nonce: string | null;
  declare userId: number;
  declare contextId: number;
  declare resourceLinkId: number | null;
  declare clientId: string;
  declare deploymentId: string;
  declare messageType: string;
  declare role: string;
  declare locale: string;
  declare custom: string | null;
  declare deepLinking: string | null;
  declare returnUrl: string | null;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
}

const str = (len = 255, allowNull = true) => ({ type: DataTypes.STRING(len), allowNull });

/** Registers Silta's models on a Sequelize instance. The schema itself comes from migrations. */
export function defineModels(sequelize: Sequelize) {
  Deployment.init(
    { id, issuer: str(512, false), clientId: str(255, false), deploymentId: str(255, false), label: str() },
    opts(sequelize, 'deployments'),
  );
  PlatformMeta.init(
    {
      id,
      issuer: str(512, false),
      clientId: str(255, false),
      name: str(255, false),
      product: str(),
      origins: { type: DataTypes.TEXT, allowNull: false },
      registeredBy: str(32, false),
    } as ModelAttributes<PlatformMeta>,
    opts(sequelize, 'platform_meta'),
  );
  RegistrationInvite.init(
    {
      id,
      tokenHash: str(128, false),
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      usedAt: { type: DataTypes.DATE },
    },
    opts(sequelize, 'registration_invites'),
  );
  User.init(
    {
      id,
      issuer: str(512, false),
      sub: str(255, false),
      name: str(),
      givenName: str(),
      familyName: str(),
      email: str(320),
    },
    opts(sequelize, 'users'),
  );
  Context.init(
    {
      id,
      issuer: str(512, false),
      clientId: str(255, false),
      deploymentId: str(255, false),
      ltiContextId: str(255, false),
      title: str(512),
      label: str(),
      nrpsUrl: str(2048),
    },
    opts(sequelize, 'contexts'),
  );
  ResourceLink.init(
    {
      id,
      contextId: { type: DataTypes.INTEGER, allowNull: false },
      ltiResourceLinkId: str(255, false),
      title: str(512),
      custom: { type: DataTypes.TEXT },
      agsLineitem: str(2048),
      agsLineitems: str(2048),
      agsScopes: { type: DataTypes.TEXT },
    },
    opts(sequelize, 'resource_links'),
  );
  Membership.init(
    {
      id,
      userId: { type: DataTypes.INTEGER, allowNull: false },
      contextId: { type: DataTypes.INTEGER, allowNull: false },
      role: str(32, false),
      ltiRoles: { type: DataTypes.TEXT, allowNull: false },
    },
    opts(sequelize, 'memberships'),
  );
  LaunchSession.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      nonce: str(128),
      userId: { type: DataTypes.INTEGER, allowNull: false },
      contextId: { type: DataTypes.INTEGER, allowNull: false },
      resourceLinkId: { type: DataTypes.INTEGER },
      clientId: str(255, false),
      deploymentId: str(255, false),
      messageType: str(64, false),
      role: str(32, false),
      locale: str(8, false),
      custom: { type: DataTypes.TEXT },
      deepLinking: { type: DataTypes.TEXT },
      returnUrl: str(2048),
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      createdAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'launch_sessions', underscored: true, createdAt: 'created_at', updatedAt: false },
  );
  defineModuleModels(sequelize);
  defineBoardModels(sequelize);
  defineSessionModels(sequelize);
  defineAdminModels(sequelize);
  defineGradeHealthModels(sequelize);
  defineModuleVersionModels(sequelize);
}

export class ModuleAttempt extends Model<InferAttributes<ModuleAttempt>, InferCreationAttributes<ModuleAttempt>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare resourceLinkId: number;
  declare moduleSlug: string;
  declare moduleVersion: string;
  declare attemptNo: number;
  declare status: 'in_progress' | 'completed';
  declare currentStep: string;
  declare points: CreationOptional<number>;
  declare maxPoints: CreationOptional<number>;
  declare scorePercent: number | null;
  declare timeSpentSeconds: CreationOptional<number>;
  /** Seed of this attempt's option order (migration 0011). */
  declare shuffleSeed: CreationOptional<number | null>;
  declare completedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class StepAnswer extends Model<InferAttributes<StepAnswer>, InferCreationAttributes<StepAnswer>> {
  declare id: CreationOptional<number>;
  declare attemptId: number;
  declare stepId: string;
  declare answer: string;
  declare points: number | null;
  declare maxPoints: number | null;
  /** JSON `{ [questionId]: { tries, final } }` of an immediate-behaviour check (migration 0011). */
  declare questionState: CreationOptional<string | null>;
  declare updatedAt: CreationOptional<Date>;
}

export class LineItem extends Model<InferAttributes<LineItem>, InferCreationAttributes<LineItem>> {
  declare id: CreationOptional<number>;
  declare resourceLinkId: number;
  declare url: string;
  declare scoreMaximum: number;
}

/** `conflict`: the platform answered 409 (it holds a score at least as new); final, like `sent`. */
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'superseded' | 'conflict';

export class GradeOutbox extends Model<InferAttributes<GradeOutbox>, InferCreationAttributes<GradeOutbox>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare clientId: string;
  declare resourceLinkId: number;
  declare userId: number;
  declare attemptId: number | null;
  declare lineItemUrl: string | null;
  declare lineitemsUrl: string | null;
  declare scoreGiven: number;
  declare scoreMaximum: number;
  declare activityProgress: string;
  declare gradingProgress: string;
  declare scoreTimestamp: string;
  declare status: OutboxStatus;
  declare tries: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare lastError: string | null;
  declare sentAt: Date | null;
  /** The error code of the last failure (a locale key `errors.<code>`); migration 0003. */
  declare lastErrorCode: CreationOptional<string | null>;
  /** The worker holding the row, and until when (migration 0003). */
  declare claimToken: CreationOptional<string | null>;
  declare claimedUntil: CreationOptional<Date | null>;
  /** Claims that ended without an outcome (the holder died mid-send); migration 0017. */
  declare orphanedClaims: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** Models of the modules and grades migration (0002). */
export function defineModuleModels(sequelize: Sequelize) {
  const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
  const float = (allowNull = false) => ({ type: DataTypes.FLOAT, allowNull });
  const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
  ModuleAttempt.init(
    {
      id,
      userId: int(),
      resourceLinkId: int(),
      moduleSlug: str(100, false),
      moduleVersion: str(32, false),
      attemptNo: int(),
      status: str(16, false) as never,
      currentStep: str(100, false),
      points: { ...float(), defaultValue: 0 },
      maxPoints: { ...float(), defaultValue: 0 },
      scorePercent: float(true),
      timeSpentSeconds: { ...int(), defaultValue: 0 },
      shuffleSeed: int(true),
      completedAt: date(),
      createdAt: date(),
      updatedAt: date(),
    },
    opts(sequelize, 'module_attempts'),
  );
  StepAnswer.init(
    {
      id,
      attemptId: int(),
      stepId: str(100, false),
      answer: { type: DataTypes.TEXT, allowNull: false },
      points: float(true),
      maxPoints: float(true),
      questionState: { type: DataTypes.TEXT },
      updatedAt: date(),
    },
    opts(sequelize, 'step_answers'),
  );
  LineItem.init(
    { id, resourceLinkId: int(), url: str(2048, false), scoreMaximum: float() },
    opts(sequelize, 'line_items'),
  );
  GradeOutbox.init(
    {
      id,
      issuer: str(512, false),
      clientId: str(255, false),
      resourceLinkId: int(),
      userId: int(),
      attemptId: int(true),
      lineItemUrl: str(2048),
      lineitemsUrl: str(2048),
      scoreGiven: float(),
      scoreMaximum: float(),
      activityProgress: str(32, false),
      gradingProgress: str(32, false),
      scoreTimestamp: str(40, false),
      status: str(16, false) as never,
      tries: { ...int(), defaultValue: 0 },
      nextAttemptAt: date(false),
      lastError: { type: DataTypes.TEXT },
      sentAt: date(),
      lastErrorCode: str(64),
      claimToken: str(64),
      claimedUntil: date(),
      orphanedClaims: { ...int(), defaultValue: 0 },
      createdAt: date(),
      updatedAt: date(),
    },
    opts(sequelize, 'grade_outbox'),
  );
}

export class Region extends Model<InferAttributes<Region>, InferCreationAttributes<Region>> {
  declare code: string;
  declare nameFi: string;
  declare nameSv: string;
  declare nameEn: string;
  declare wave: number;
}

export class UserRegion extends Model<InferAttributes<UserRegion>, InferCreationAttributes<UserRegion>> {
  declare userId: number;
  declare regionCode: string;
}

export type PracticeStatus = 'idea' | 'pilot' | 'established' | 'draft';

export class Practice extends Model<InferAttributes<Practice>, InferCreationAttributes<Practice>> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare boardKey: string;
  declare authorId: number;
  declare regionCode: string;
  declare title: string;
  declare summary: string;
  declare need: string;
  declare whatWasDone: string;
  declare results: string;
  /** JSON arrays (see migration 0004). */
  declare actors: string;
  declare themes: string;
  declare links: string;
  declare status: PracticeStatus;
  declare language: string;
  declare usefulCount: CreationOptional<number>;
  declare adoptionCount: CreationOptional<number>;
  declare commentCount: CreationOptional<number>;
  declare hiddenAt: CreationOptional<Date | null>;
  declare hiddenReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class PracticeComment extends Model<InferAttributes<PracticeComment>, InferCreationAttributes<PracticeComment>> {
  declare id: CreationOptional<number>;
  declare practiceId: number;
  declare parentId: number | null;
  declare authorId: number;
  declare body: string;
  declare hiddenAt: CreationOptional<Date | null>;
  declare hiddenReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
}

export class PracticeReaction extends Model<
  InferAttributes<PracticeReaction>,
  InferCreationAttributes<PracticeReaction>
> {
  declare id: CreationOptional<number>;
  declare practiceId: number;
  declare userId: number;
}

export class PracticeAdoption extends Model<
  InferAttributes<PracticeAdoption>,
  InferCreationAttributes<PracticeAdoption>
> {
  declare id: CreationOptional<number>;
  declare practiceId: number;
  declare regionCode: string;
  declare userId: number;
  declare note: string;
  declare createdAt: CreationOptional<Date>;
}

export class BoardModerationLog extends Model<
  InferAttributes<BoardModerationLog>,
  InferCreationAttributes<BoardModerationLog>
> {
  declare id: CreationOptional<number>;
  declare issuer: string;
  declare boardKey: string;
  declare moderatorId: number;
  declare action: 'hide' | 'restore';
  declare targetType: 'practice' | 'comment';
  declare targetId: number;
  declare reason: string;
  declare createdAt: CreationOptional<Date>;
}

/** Models of the regions and board migration (0004). */
export function defineBoardModels(sequelize: Sequelize) {
  const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
  const text = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
  const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
  Region.init(
    {
      code: { type: DataTypes.STRING(40), primaryKey: true },
      nameFi: str(200, false),
      nameSv: str(200, false),
      nameEn: str(200, false),
      wave: int(),
    },
    opts(sequelize, 'regions'),
  );
  UserRegion.init(
    { userId: { type: DataTypes.INTEGER, primaryKey: true }, regionCode: str(40, false) },
    opts(sequelize, 'user_regions'),
  );
  Practice.init(
    {
      id,
      issuer: str(512, false),
      boardKey: str(64, false),
      authorId: int(),
      regionCode: str(40, false),
      title: str(200, false),
      summary: text(),
      need: text(),
      whatWasDone: text(),
      results: text(),
      actors: text(),
      themes: text(),
      links: text(),
      status: str(16, false) as never,
      language: str(2, false),
      usefulCount: { ...int(), defaultValue: 0 },
      adoptionCount: { ...int(), defaultValue: 0 },
      commentCount: { ...int(), defaultValue: 0 },
      hiddenAt: date(),
      hiddenReason: str(500),
      createdAt: date(),
      updatedAt: date(),
    },
    opts(sequelize, 'practices'),
  );
  PracticeComment.init(
    {
      id,
      practiceId: int(),
      parentId: int(true),
      authorId: int(),
      body: text(),
      hiddenAt: date(),
      hiddenReason: str(500),
      createdAt: date(),
    },
    opts(sequelize, 'practice_comments'),
  );
  PracticeReaction.init({ id, practiceId: int(), userId: int() }, opts(sequelize, 'practice_reactions'));
  PracticeAdoption.init(
    { id, practiceId: int(), regionCode: str(40, false), userId: int(), note: str(1000, false), createdAt: date() },
    opts(sequelize, 'practice_adoptions'),
  );
  BoardModerationLog.init(
    {
      id,
      issuer: str(512, false),
      boardKey: str(64, false),
      moderatorId: int(),
      action: str(16, false) as never,
      targetType: str(16, false) as never,
      targetId: int(),
      reason: str(500, false),
      createdAt: date(),
    },
    opts(sequelize, 'board_moderation_log'),
  );
}
