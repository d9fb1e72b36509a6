import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type VersionOrigin = 'shipped' | 'upload' | 'console' | 'rollback';

/** One published version of a module: its pack files, never changed once written. */
export class ModuleVersion extends Model<InferAttributes<ModuleVersion>, InferCreationAttributes<ModuleVersion>> {
  declare id: CreationOptional<number>;
  declare moduleSlug: string;
  declare version: string;
  /** JSON of the pack's files by relative path. */
  declare files: string;
  declare origin: VersionOrigin;
  /** An admin's username, or `content/modules` for a shipped pack. */
  declare publishedBy: string;
  declare copiedFrom: string | null;
  declare publishedAt: Date;
}

/** A module and the version new attempts start on. */
export class ModuleRecord extends Model<InferAttributes<ModuleRecord>, InferCreationAttributes<ModuleRecord>> {
  declare slug: string;
  declare currentVersion: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** The console's work in progress on a module: pack files, saved as the editor types. */
export class ModuleDraft extends Model<InferAttributes<ModuleDraft>, InferCreationAttributes<ModuleDraft>> {
  declare moduleSlug: string;
  declare baseVersion: string;
  declare files: string;
  declare updatedBy: string;
  declare updatedAt: Date;
}

/** Models of the module versions migration (0018). */
export function defineModuleVersionModels(sequelize: Sequelize) {
  const str = (length: number, allowNull = false) => ({ type: DataTypes.STRING(length), allowNull });
  const text = () => ({ type: DataTypes.TEXT, allowNull: false });
  const date = () => ({ type: DataTypes.DATE, allowNull: false });
  ModuleVersion.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      moduleSlug: str(100),
      version: str(32),
      files: text(),
      origin: str(16) as never,
      publishedBy: str(100),
      copiedFrom: str(32, true),
      publishedAt: date(),
    },
    { sequelize, tableName: 'module_versions', underscored: true, timestamps: false },
  );
  ModuleRecord.init(
    {
      slug: { type: DataTypes.STRING(100), primaryKey: true },
      currentVersion: str(32),
      createdAt: date(),
      updatedAt: date(),
    },
    { sequelize, tableName: 'modules', underscored: true, createdAt: 'created_at', updatedAt: 'updated_at' },
  );
  ModuleDraft.init(
    {
      moduleSlug: { type: DataTypes.STRING(100), primaryKey: true },
      baseVersion: str(32),
      files: text(),
      updatedBy: str(100),
      updatedAt: date(),
    },
    { sequelize, tableName: 'module_drafts', underscored: true, timestamps: false },
  );
}
