import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * A lease on grade outbox rows, so several Silta instances can run the grade worker: a worker
 * claims due rows by a conditional UPDATE that sets its claim token and a lease end; a row whose
 * worker died is claimable again once the lease has passed. Also the code of the last error, so
 * the teacher view can say in the user's language why a grade did not go through.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('grade_outbox', 'claim_token', { type: DataTypes.STRING(64) });
  await qi.addColumn('grade_outbox', 'claimed_until', { type: DataTypes.DATE });
  await qi.addColumn('grade_outbox', 'last_error_code', { type: DataTypes.STRING(64) });
  await qi.addIndex('grade_outbox', ['claim_token']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('grade_outbox', ['claim_token']);
  for (const column of ['last_error_code', 'claimed_until', 'claim_token'])
    await qi.removeColumn('grade_outbox', column);
}
