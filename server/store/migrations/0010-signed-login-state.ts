import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Login states are signed instead of stored (docs/decisions/0002): `login_states` goes, and each
 * launch session keeps its id_token's nonce under a unique index, which makes a launch
 * single-use with one write instead of three.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('launch_sessions', 'nonce', { type: DataTypes.STRING(128) });
  await qi.addIndex('launch_sessions', ['nonce'], { unique: true, name: 'launch_sessions_nonce' });
  await qi.dropTable('login_states');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('login_states', {
    state: { type: DataTypes.STRING(128), primaryKey: true },
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    nonce: { type: DataTypes.STRING(128), allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.removeIndex('launch_sessions', 'launch_sessions_nonce');
  await qi.removeColumn('launch_sessions', 'nonce');
}
