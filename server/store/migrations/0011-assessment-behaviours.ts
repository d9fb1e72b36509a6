import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Assessment behaviours (docs/decisions/0011): each attempt keeps the seed of its option shuffle,
 * and a step answer keeps, per question, how many tries it took and whether it is final
 * (immediate behaviour). Existing attempts get their own id as seed, so their order is stable.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('module_attempts', 'shuffle_seed', { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query('UPDATE module_attempts SET shuffle_seed = id');
  await qi.addColumn('step_answers', 'question_state', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn('step_answers', 'question_state');
  await qi.removeColumn('module_attempts', 'shuffle_seed');
}
