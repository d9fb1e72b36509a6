import type { Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import type { Language } from '../../i18n';
import { Region, UserRegion } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import type { Launch } from '../launches/launch.service';

/** Every region, by wave and then by code. The list is data (migration 0004), never code. */
// Every board page reads the region list; it changes only when an admin edits a region. A write
// to the regions through this process's store drops the cache (hooks below); another instance's
// edit shows here within REGIONS_TTL_MS.
const REGIONS_TTL_MS = 30_000;
let cachedRegions: { at: number; regions: Promise<Region[]>; sequelize: unknown } | undefined;
const watched = new WeakSet<object>();
const REGION_WRITES = [
  'afterCreate',
  'afterUpdate',
  'afterDestroy',
  'afterBulkCreate',
  'afterBulkUpdate',
  'afterBulkDestroy',
] as const;

/** The regions by wave, then code; read from the store at most every REGIONS_TTL_MS (and after any write to them). */
export async function listRegions(): Promise<Region[]> {
  const sequelize = Region.sequelize!;
  if (!watched.has(sequelize)) {
    watched.add(sequelize);
    // Hooks of the store itself see every model's writes: instance hooks get the row, bulk ones the options.
    const forget = (subject: unknown) => {
      const target = subject as { constructor?: unknown; model?: unknown } | undefined;
      if (
        target?.constructor === Region ||
        target?.model === Region ||
        (Array.isArray(subject) && subject[0] instanceof Region)
      )
        forgetRegions();
    };
    for (const hook of REGION_WRITES) sequelize.addHook(hook, forget);
  }
  if (!cachedRegions || cachedRegions.sequelize !== sequelize || Date.now() - cachedRegions.at > REGIONS_TTL_MS) {
    const regions = Region.findAll({
      order: [
        ['wave', 'ASC'],
        ['code', 'ASC'],
      ],
    });
    cachedRegions = { at: Date.now(), regions, sequelize };
    regions.catch(() => (cachedRegions = undefined));
  }
  return cachedRegions.regions;
}

/** Drops the cached region list (after an edit), so the next listRegions reads the store. */
export function forgetRegions(): void {
  cachedRegions = undefined;
}

/**
 * A region by its code from the cached list (every board page asks), or from the store when the
 * list does not have it (a region another instance just added). Null when there is none.
 */
async function regionByCode(code: string): Promise<Region | null> {
  return (await listRegions()).find((r) => r.code === code) ?? (await Region.findByPk(code));
}

/** A region by its code; an unknown code is `region_not_found`. */
export async function findRegion(code: string): Promise<Region> {
  const region = await regionByCode(code);
  if (!region) throw new SiltaError('region_not_found', 'not_found', code);
  return region;
}

const REGION_CODE = /^[a-z0-9-]{1,40}$/;

/** A region's name in a language. */
export function regionName(region: Region, lang: Language): string {
  return lang === 'sv' ? region.nameSv : lang === 'en' ? region.nameEn : region.nameFi;
}

/**
 * The user's region: the launch's custom parameter `region` when it names a known region (the
 * course admin set it for the course or link), else the user's own choice, else none yet.
 */
export async function regionOf(launch: Launch): Promise<{ region: Region | null; fromLaunch: boolean }> {
  // Only a well-formed code is looked up: the parameter is whatever the course admin typed.
  const code = launch.custom.region;
  const fromLaunch = code && REGION_CODE.test(code) ? await regionByCode(code) : null;
  if (fromLaunch) return { region: fromLaunch, fromLaunch: true };
  const chosen = await UserRegion.findByPk(launch.user.id);
  return { region: chosen ? await regionByCode(chosen.regionCode) : null, fromLaunch: false };
}

/** Stores the user's own region choice (first visit, or a change later). */
export async function chooseRegion(sequelize: Sequelize, launch: Launch, code: string): Promise<Region> {
  const region = await findRegion(code);
  await inTransaction(sequelize, async (transaction) => {
    const existing = await UserRegion.findByPk(launch.user.id, { transaction });
    if (existing) await existing.update({ regionCode: region.code }, { transaction });
    else await UserRegion.create({ userId: launch.user.id, regionCode: region.code }, { transaction });
  });
  return region;
}
