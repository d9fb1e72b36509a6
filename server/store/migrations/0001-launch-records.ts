import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

/** Users, courses, resource links, roles, launch sessions, and the LTI bookkeeping Silta owns. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('deployments', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    deployment_id: { type: DataTypes.STRING(255), allowNull: false },
    label: { type: DataTypes.STRING(255) },
    ...timestamps,
  });
  await qi.addIndex('deployments', ['issuer', 'client_id', 'deployment_id'], { unique: true });

  await qi.createTable('platform_meta', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    name: { type: DataTypes.STRING(255), allowNull: false },
    product: { type: DataTypes.STRING(255) },
    /** Origins allowed to frame Silta and receive deep-linking responses (JSON array). */
    origins: { type: DataTypes.TEXT, allowNull: false },
    registered_by: { type: DataTypes.STRING(32), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('platform_meta', ['issuer', 'client_id'], { unique: true });

  await qi.createTable('registration_invites', {
    id,
    token_hash: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    used_at: { type: DataTypes.DATE },
    ...timestamps,
  });

  await qi.createTable('login_states', {
    state: { type: DataTypes.STRING(128), primaryKey: true },
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    nonce: { type: DataTypes.STRING(128), allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
  });

  await qi.createTable('users', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    sub: { type: DataTypes.STRING(255), allowNull: false },
    name: { type: DataTypes.STRING(255) },
    given_name: { type: DataTypes.STRING(255) },
    family_name: { type: DataTypes.STRING(255) },
    email: { type: DataTypes.STRING(320) },
    ...timestamps,
  });
  await qi.addIndex('users', ['issuer', 'sub'], { unique: true });

  await qi.createTable('contexts', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    deployment_id: { type: DataTypes.STRING(255), allowNull: false },
    lti_context_id: { type: DataTypes.STRING(255), allowNull: false },
    title: { type: DataTypes.STRING(512) },
    label: { type: DataTypes.STRING(255) },
    nrps_url: { type: DataTypes.STRING(2048) },
    ...timestamps,
  });
  await qi.addIndex('contexts', ['issuer', 'lti_context_id'], { unique: true });

  await qi.createTable('resource_links', {
    id,
    context_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'contexts', key: 'id' },
      onDelete: 'CASCADE',
    },
    lti_resource_link_id: { type: DataTypes.STRING(255), allowNull: false },
    title: { type: DataTypes.STRING(512) },
    custom: { type: DataTypes.TEXT },
    ags_lineitem: { type: DataTypes.STRING(2048) },
    ags_lineitems: { type: DataTypes.STRING(2048) },
    ags_scopes: { type: DataTypes.TEXT },
    ...timestamps,
  });
  await qi.addIndex('resource_links', ['context_id', 'lti_resource_link_id'], { unique: true });

  await qi.createTable('memberships', {
    id,
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    context_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'contexts', key: 'id' },
      onDelete: 'CASCADE',
    },
    role: { type: DataTypes.STRING(32), allowNull: false },
    lti_roles: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('memberships', ['user_id', 'context_id'], { unique: true });

  await qi.createTable('launch_sessions', {
    id: { type: DataTypes.STRING(64), primaryKey: true },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    context_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'contexts', key: 'id' },
      onDelete: 'CASCADE',
    },
    resource_link_id: {
      type: DataTypes.INTEGER,
      references: { model: 'resource_links', key: 'id' },
      onDelete: 'CASCADE',
    },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    deployment_id: { type: DataTypes.STRING(255), allowNull: false },
    message_type: { type: DataTypes.STRING(64), allowNull: false },
    role: { type: DataTypes.STRING(32), allowNull: false },
    locale: { type: DataTypes.STRING(8), allowNull: false },
    custom: { type: DataTypes.TEXT },
    deep_linking: { type: DataTypes.TEXT },
    return_url: { type: DataTypes.STRING(2048) },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of [
    'launch_sessions',
    'memberships',
    'resource_links',
    'contexts',
    'users',
    'login_states',
    'registration_invites',
    'platform_meta',
    'deployments',
  ]) {
    await qi.dropTable(table);
  }
}
