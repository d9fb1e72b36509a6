import { QueryTypes } from 'sequelize';
import { Practice } from '../../store/models';
import type { Launch } from '../launches/launch.service';
import { boardOf } from './board.service';
import { sharedPracticeSql } from './shared-practice';

/** Adoptions of one region's practices by one region. */
export type Flow = { origin: string; adopter: string; adoptions: number };

/** How practices travel on a board: shared practices per region and adoptions per region pair. */
export type Spread = { shared: Map<string, number>; flows: Flow[] };

/**
 * The spread of the launch's board, counted in the database. Only shared practices (and their
 * adoptions) count, for everyone (shared-practice.ts): the view is a shared picture, not a
 * moderation tool.
 */
export async function spreadOf(launch: Launch): Promise<Spread> {
  const board = boardOf(launch);
  const sequelize = Practice.sequelize!;
  const replacements = { issuer: board.issuer, key: board.key };
  const [shared, flows] = await Promise.all([
    sequelize.query<{ region: string; n: number | string }>(
      `SELECT region_code AS region, COUNT(*) AS n FROM practices WHERE issuer = :issuer AND board_key = :key AND ${sharedPracticeSql()} GROUP BY region_code`,
      { replacements, type: QueryTypes.SELECT },
    ),
    sequelize.query<{ origin: string; adopter: string; n: number | string }>(
      `SELECT p.region_code AS origin, a.region_code AS adopter, COUNT(*) AS n
         FROM practice_adoptions a JOIN practices p ON p.id = a.practice_id
        WHERE p.issuer = :issuer AND p.board_key = :key AND ${sharedPracticeSql('p')}
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

/** Adoptions a region made (of shared practices), from a spread. */
export function adoptionsMadeBy(spread: Spread, code: string): number {
  return spread.flows.filter((f) => f.adopter === code).reduce((sum, f) => sum + f.adoptions, 0);
}

/** Adoptions of a region's shared practices by any region, from a spread. */
export function adoptionsOfPracticesFrom(spread: Spread, code: string): number {
  return spread.flows.filter((f) => f.origin === code).reduce((sum, f) => sum + f.adoptions, 0);
}
