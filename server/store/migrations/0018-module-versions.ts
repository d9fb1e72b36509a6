import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Modules in the database (docs/decisions/0018): every published version keeps the pack's own
 * files (module.yaml and the Markdown), immutable; a module names its current version; a module
 * has at most one draft, edited in the console until it is published.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('module_versions', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    module_slug: { type: DataTypes.STRING(100), allowNull: false },
    version: { type: DataTypes.STRING(32), allowNull: false },
    /** JSON: { "module.yaml": "...", "steps/fi/intro.md": "..." }. */
    files: { type: DataTypes.TEXT, allowNull: false },
    /** shipped | upload | console | rollback */
    origin: { type: DataTypes.STRING(16), allowNull: false },
    published_by: { type: DataTypes.STRING(100), allowNull: false },
    /** For a rollback, the version whose content was published again. */
    copied_from: { type: DataTypes.STRING(32) },
    published_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('module_versions', ['module_slug', 'version'], { unique: true });
  await qi.createTable('modules', {
    slug: { type: DataTypes.STRING(100), primaryKey: true },
    current_version: { type: DataTypes.STRING(32), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable('module_drafts', {
    module_slug: { type: DataTypes.STRING(100), primaryKey: true },
    /** The version the draft was started from. */
    base_version: { type: DataTypes.STRING(32), allowNull: false },
    files: { type: DataTypes.TEXT, allowNull: false },
    updated_by: { type: DataTypes.STRING(100), allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of ['module_drafts', 'modules', 'module_versions']) await qi.dropTable(table);
}
