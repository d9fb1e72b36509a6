import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The admin console (docs/decisions/0008): admin accounts, their database-backed sessions, the
 * failed-login throttles (per account name and per client address), and the tool keys retired by
 * a key rotation, kept in the JWKS until their overlap ends.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('admin_users', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    username: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    last_login_at: { type: DataTypes.DATE },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable('admin_sessions', {
    sid: { type: DataTypes.STRING(128), primaryKey: true },
    data: { type: DataTypes.TEXT, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('admin_sessions', ['expires_at']);
  await qi.createTable('admin_login_throttles', {
    key: { type: DataTypes.STRING(200), primaryKey: true },
    failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locks: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_failure_at: { type: DataTypes.DATE, allowNull: false },
    locked_until: { type: DataTypes.DATE },
  });
  await qi.createTable('retired_tool_keys', {
    kid: { type: DataTypes.STRING(64), primaryKey: true },
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    replaced_by: { type: DataTypes.STRING(64), allowNull: false },
    retired_at: { type: DataTypes.DATE, allowNull: false },
    remove_after: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of ['retired_tool_keys', 'admin_login_throttles', 'admin_sessions', 'admin_users'])
    await qi.dropTable(table);
}
