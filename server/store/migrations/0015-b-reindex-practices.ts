import type { QueryInterface } from 'sequelize';
import { reindexPractices } from '../../domain/board/search/practice-index';

/**
 * Indexes the lemmas of every existing practice (0015-a), in batches of one transaction each.
 * Resumable: if it stops half-way, the batches done stay done, the migration is not recorded,
 * and the next start continues with the practices still unmarked.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await reindexPractices(qi.sequelize);
}

export async function down() {
  // The lemmas go with 0015-a's down.
}
