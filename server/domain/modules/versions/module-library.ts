import type { ModulePack } from '../content-pack';
import { ModuleRecord, ModuleVersion } from '../../../store/module-version-models';
import { packFromSource, type PackSource } from './pack-source';

/** Parsed versions kept in memory; they never change, so a cached one is never stale. */
const CACHE_LIMIT = 64;

/**
 * The published modules, read from the database on every lookup so that every instance sharing
 * it serves the same current version at once. What is asked each time is small (the current
 * version's name, an indexed primary-key read); the parsed pack of a version is cached by
 * `slug@version`, which is immutable, so no instance can hold a stale one.
 */
export class ModuleLibrary {
  private readonly parsed = new Map<string, ModulePack>();

  /** The version new attempts start on, or null for an unknown slug. */
  async current(slug: string): Promise<ModulePack | null> {
    const record = await ModuleRecord.findByPk(slug, { attributes: ['slug', 'currentVersion'] });
    return record ? this.version(slug, record.currentVersion) : null;
  }

  /** One published version (an attempt's pinned one), or null. */
  async version(slug: string, version: string): Promise<ModulePack | null> {
    const key = `${slug}@${version}`;
    const cached = this.parsed.get(key);
    if (cached) return cached;
    const row = await ModuleVersion.findOne({ where: { moduleSlug: slug, version }, attributes: ['files'] });
    if (!row) return null;
    return this.remember(key, slug, JSON.parse(row.files) as PackSource);
  }

  /** The current version of every module, by slug in slug order. */
  async currentAll(): Promise<ReadonlyMap<string, ModulePack>> {
    const records = await ModuleRecord.findAll({ attributes: ['slug', 'currentVersion'], order: [['slug', 'ASC']] });
    const packs = new Map<string, ModulePack>();
    for (const record of records) {
      const pack = await this.version(record.slug, record.currentVersion);
      if (pack) packs.set(record.slug, pack);
    }
    return packs;
  }

  private remember(key: string, slug: string, source: PackSource): ModulePack | null {
    // Stored versions were validated when published; one that no longer validates (a schema
    // made stricter since) is served as missing rather than half-shown.
    const { pack } = packFromSource(slug, source);
    if (!pack) return null;
    if (this.parsed.size >= CACHE_LIMIT) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(key, pack);
    return pack;
  }
}
