import { Op } from 'sequelize';
import { LaunchSession, Region, UserRegion } from '../../store/models';

/**
 * Each user's region as the board sees it (regionOf): the custom parameter `region` of their
 * latest launch that names a known region, else their own choice on the board. Users with
 * neither are missing from the map ("no region").
 */
export async function regionsOfUsers(userIds: readonly number[]): Promise<Map<number, string>> {
  const regions = new Map<number, string>();
  if (!userIds.length) return regions;
  const known = new Set((await Region.findAll({ attributes: ['code'] })).map((r) => r.code));
  const ids = [...new Set(userIds)];
  for (const choice of await UserRegion.findAll({ where: { userId: { [Op.in]: ids } } })) {
    if (known.has(choice.regionCode)) regions.set(choice.userId, choice.regionCode);
  }
  const launches = await LaunchSession.findAll({
    attributes: ['userId', 'custom'],
    where: { userId: { [Op.in]: ids }, custom: { [Op.like]: '%"region"%' } },
    order: [['createdAt', 'ASC']],
  });
  // Later launches overwrite earlier ones and the choice, as at launch time.
  for (const launch of launches) {
    const region = customRegion(launch.custom);
    if (region && known.has(region)) regions.set(launch.userId, region);
  }
  return regions;
}

function customRegion(custom: string | null): string | undefined {
  try {
    const value: unknown = JSON.parse(custom ?? 'null');
    const region = value && typeof value === 'object' ? (value as Record<string, unknown>).region : undefined;
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}
