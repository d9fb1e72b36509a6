import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: 'CASCADE',
});
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

/** Module attempts and answers, line items, and the grade outbox. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('module_attempts', {
    id,
    user_id: ref('users'),
    resource_link_id: ref('resource_links'),
    module_slug: { type: DataTypes.STRING(100), allowNull: false },
    module_version: { type: DataTypes.STRING(32), allowNull: false },
    attempt_no: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    current_step: { type: DataTypes.STRING(100), allowNull: false },
    points: { type: DataTypes.FLOAT, allowNull: false, defaultValue: 0 },
    max_points: { type: DataTypes.FLOAT, allowNull: false, defaultValue: 0 },
    score_percent: { type: DataTypes.FLOAT },
    time_spent_seconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    completed_at: { type: DataTypes.DATE },
    ...timestamps,
  });
  await qi.addIndex('module_attempts', ['user_id', 'resource_link_id', 'attempt_no'], { unique: true });

  await qi.createTable('step_answers', {
    id,
    attempt_id: ref('module_attempts'),
    step_id: { type: DataTypes.STRING(100), allowNull: false },
    answer: { type: DataTypes.TEXT, allowNull: false },
    points: { type: DataTypes.FLOAT },
    max_points: { type: DataTypes.FLOAT },
    ...timestamps,
  });
  await qi.addIndex('step_answers', ['attempt_id', 'step_id'], { unique: true });

  await qi.createTable('line_items', {
    id,
    resource_link_id: { ...ref('resource_links'), unique: true },
    url: { type: DataTypes.STRING(2048), allowNull: false },
    score_maximum: { type: DataTypes.FLOAT, allowNull: false },
    ...timestamps,
  });

  await qi.createTable('grade_outbox', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    resource_link_id: ref('resource_links'),
    user_id: ref('users'),
    attempt_id: ref('module_attempts', true),
    line_item_url: { type: DataTypes.STRING(2048) },
    lineitems_url: { type: DataTypes.STRING(2048) },
    score_given: { type: DataTypes.FLOAT, allowNull: false },
    score_maximum: { type: DataTypes.FLOAT, allowNull: false },
    activity_progress: { type: DataTypes.STRING(32), allowNull: false },
    grading_progress: { type: DataTypes.STRING(32), allowNull: false },
    /** The score's own time (ISO-8601 with ms); a resend keeps it, so Moodle sees the same score. */
    score_timestamp: { type: DataTypes.STRING(40), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    tries: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: { type: DataTypes.DATE, allowNull: false },
    last_error: { type: DataTypes.TEXT },
    sent_at: { type: DataTypes.DATE },
    ...timestamps,
  });
  await qi.addIndex('grade_outbox', ['status', 'next_attempt_at']);
  await qi.addIndex('grade_outbox', ['resource_link_id', 'user_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of ['grade_outbox', 'line_items', 'step_answers', 'module_attempts']) await qi.dropTable(table);
}
