import { QueryTypes } from 'sequelize';
import { Practice } from '../../store/models';
import type { Launch } from '../launches/launch.service';
import { DRAFT_STATUS } from './board.schema';
import { boardOf } from './board.service';

/** Adoptions of one region's practices by one region. */
export type Flow = { origin: string; adopter: string; adoptions: number };

/** How practices travel on a board: visible practices per region and adoptions per region pair. */
export type Spread = { shared: Map<string, number>; flows: Flow[] };

/**
 * The spread of the launch's board, counted in the database. Hidden practices and drafts (and
 * their adoptions) are left out for everyone: the view is a shared picture, not a moderation tool.
 */
export async function spreadOf(launch: Launch): Promise<Spread> {
  const board = boardOf(launch);
  const sequelize = Practice.sequelize!;
  const replacements = { issuer: board.issuer, key: board.key, draft: DRAFT_STATUS };
  const [shared, flows] = await Promise.all([
    sequelize.query<{ region: string; n: number | string }>(
      'SELECT region_code AS region, COUNT(*) AS n FROM practices WHERE issuer = :issuer AND board_key = :key AND hidden_at IS NULL AND status <> :draft GROUP BY region_code',
      { replacements, type: QueryTypes.SELECT },
    ),
    sequelize.query<{ origin: string; adopter: string; n: number | string }>(
      `SELECT p.region_code AS origin, a.region_code AS adopter, COUNT(*) AS n
         FROM practice_adoptions a JOIN practices p ON p.id = a.practice_id
        WHERE p.issuer = :issuer AND p.board_key = :key AND p.hidden_at IS NULL AND p.status <> :draft
        GROUP BY p.region_code, a.region_code`,
      { replacements, type: QueryTypes.SELECT },
    ),
  ]);
  // PostgreSQL returns COUNT(*) as a string (bigint).
  return {
    shared: new Map(shared.map((r) => [r.region, Number(r.n)])),
    flows: flows.map((r) => ({ origin: r.origin, adopter: r.adopter, adoptions: Number(r.n) })),
  };
}
