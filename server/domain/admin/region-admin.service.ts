import type { Sequelize } from 'sequelize';
import type { Region } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import { findRegion, forgetRegions } from '../regions/region.service';
import type { RegionInput } from './admin.schema';

/** Changes a region's names and wave; an unknown code is `region_not_found` (404). */
export async function updateRegion(sequelize: Sequelize, code: string, input: RegionInput): Promise<Region> {
  const region = await findRegion(code);
  const updated = await inTransaction(sequelize, (transaction) => region.update(input, { transaction }));
  forgetRegions();
  return updated;
}
