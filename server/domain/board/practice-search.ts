import type { Sort } from './board.schema';

/** The order a listing uses: relevance by default when searching, newest otherwise; relevance needs a query. */
export function listingSort(query: { q?: string; sort?: Sort }): Sort {
  if (query.q) return query.sort ?? 'relevance';
  return query.sort && query.sort !== 'relevance' ? query.sort : 'newest';
}
