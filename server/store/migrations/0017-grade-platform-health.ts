import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Grade delivery that recovers in seconds (issue 18, decision 0005):
 * - `grade_platform_health`: per platform whether its score service answers, since when it fails,
 *   when the next probe is due and who holds the probe, shared by every Silta instance;
 * - `grade_outbox.orphaned_claims`: how many claims on the row ended without an outcome (the
 *   holder died mid-send), so a 409 on the resend can be checked against what Moodle holds.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('grade_platform_health', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    client_id: { type: DataTypes.STRING(255), allowNull: false },
    failing_since: { type: DataTypes.DATE },
    failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_try_at: { type: DataTypes.DATE },
    probe_token: { type: DataTypes.STRING(64) },
    probe_until: { type: DataTypes.DATE },
    last_error_code: { type: DataTypes.STRING(64) },
    last_error: { type: DataTypes.TEXT },
    last_success_at: { type: DataTypes.DATE },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('grade_platform_health', ['issuer', 'client_id'], { unique: true });
  await qi.addColumn('grade_outbox', 'orphaned_claims', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  // The worker's due-row query: pending rows by platform, oldest due first.
  await qi.addIndex('grade_outbox', ['status', 'issuer', 'client_id', 'next_attempt_at'], {
    name: 'grade_outbox_due_by_platform',
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('grade_outbox', 'grade_outbox_due_by_platform');
  await qi.removeColumn('grade_outbox', 'orphaned_claims');
  await qi.dropTable('grade_platform_health');
}
