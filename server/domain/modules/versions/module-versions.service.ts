import { UniqueConstraintError, type Sequelize } from 'sequelize';
import { SiltaError } from '../../../errors';
import { ModuleDraft, ModuleRecord, ModuleVersion, type VersionOrigin } from '../../../store/module-version-models';
import { inTransaction } from '../../../store/transaction';
import path from 'node:path';
import { displayPath, type ContentProblem, type ModulePack } from '../content-pack';
import {
  compareVersions,
  nextPatch,
  packFromSource,
  readPackFolder,
  withVersion,
  type PackSource,
} from './pack-source';

/** A pack that did not validate: every problem, by place. Nothing was stored. */
export class PackProblemsError extends SiltaError {
  constructor(readonly problems: ContentProblem[]) {
    super(
      'pack_invalid',
      'bad_request',
      problems.map((p) => `${p.file}${p.line === null ? '' : `:${p.line}`}: ${p.message}`).join('; '),
      { count: problems.length },
    );
  }
}

export type PublishProps = {
  sequelize: Sequelize;
  slug: string;
  source: PackSource;
  origin: VersionOrigin;
  publishedBy: string;
  copiedFrom?: string | null;
};

/**
 * Publishes a validated source as a new version and makes it current, in one transaction. The
 * version must be newer than the module's current one (`pack_version_not_newer` otherwise); a
 * draft of the module is dropped once published.
 */
export async function publishVersion(props: PublishProps): Promise<ModulePack> {
  const { pack, problems } = packFromSource(props.slug, props.source);
  if (!pack) throw new PackProblemsError(problems);
  try {
    await inTransaction(props.sequelize, async (transaction) => {
      const record = await ModuleRecord.findByPk(props.slug, { transaction, lock: transaction.LOCK.UPDATE });
      if (record && compareVersions(pack.version, record.currentVersion) <= 0) {
        throw new SiltaError('pack_version_not_newer', 'conflict', `${pack.version} <= ${record.currentVersion}`, {
          version: pack.version,
          current: record.currentVersion,
        });
      }
      const now = new Date();
      await ModuleVersion.create(
        {
          moduleSlug: props.slug,
          version: pack.version,
          files: JSON.stringify(props.source),
          origin: props.origin,
          publishedBy: props.publishedBy,
          copiedFrom: props.copiedFrom ?? null,
          publishedAt: now,
        },
        { transaction },
      );
      if (record)
        await ModuleRecord.update(
          { currentVersion: pack.version, updatedAt: now },
          { where: { slug: props.slug }, transaction },
        );
      else
        await ModuleRecord.create(
          { slug: props.slug, currentVersion: pack.version, createdAt: now, updatedAt: now },
          { transaction },
        );
      await ModuleDraft.destroy({ where: { moduleSlug: props.slug }, transaction });
    });
  } catch (error) {
    // Another instance published the same version number a moment earlier.
    if (error instanceof UniqueConstraintError)
      throw new SiltaError('pack_version_not_newer', 'conflict', pack.version, {
        version: pack.version,
        current: pack.version,
      });
    throw error;
  }
  return pack;
}

/**
 * Imports the packs shipped in content/modules: a module the database does not have yet becomes
 * its first version, and a shipped version newer than the current one is published; anything
 * else is left alone (what admins published stays). Safe when several instances start at once.
 */
export async function importShippedPacks(
  sequelize: Sequelize,
  versions: ReadonlyMap<string, string | null>,
  dirOf: (slug: string) => string,
): Promise<string[]> {
  const imported: string[] = [];
  for (const [slug, version] of versions) {
    const record = await ModuleRecord.findByPk(slug);
    // A version that could not be read is published too: that validates it and names its problems.
    if (record && version !== null && compareVersions(version, record.currentVersion) <= 0) continue;
    try {
      const pack = await publishVersion({
        sequelize,
        slug,
        source: readPackFolder(dirOf(slug)),
        origin: 'shipped',
        publishedBy: 'content/modules',
      });
      imported.push(`${slug}@${pack.version}`);
    } catch (error) {
      if (error instanceof SiltaError && error.code === 'pack_version_not_newer') continue;
      // Start-up stops naming the shipped files, as it does for a broken pack outside production.
      if (error instanceof PackProblemsError)
        throw new PackProblemsError(
          error.problems.map((problem) => ({ ...problem, file: displayPath(path.join(dirOf(slug), problem.file)) })),
        );
      throw error;
    }
  }
  return imported;
}

/** A module's versions, newest first. */
export function listVersions(slug: string): Promise<ModuleVersion[]> {
  return ModuleVersion.findAll({
    where: { moduleSlug: slug },
    attributes: ['id', 'moduleSlug', 'version', 'origin', 'publishedBy', 'copiedFrom', 'publishedAt'],
    order: [['id', 'DESC']],
  });
}

/** The stored files of one version; `version_not_found` when there is none. */
export async function sourceOf(slug: string, version: string): Promise<PackSource> {
  const row = await ModuleVersion.findOne({ where: { moduleSlug: slug, version } });
  if (!row) throw new SiltaError('version_not_found', 'not_found', `${slug}@${version}`);
  return JSON.parse(row.files) as PackSource;
}

/** The module's current version name; `module_not_found` for an unknown slug. */
export async function currentVersionOf(slug: string): Promise<string> {
  const record = await ModuleRecord.findByPk(slug);
  if (!record) throw new SiltaError('module_not_found', 'not_found', slug);
  return record.currentVersion;
}

/**
 * Rollback: publishes an old version's content again as a new version (the next patch after the
 * current one), so history only grows and attempts on every version keep their content.
 */
export async function rollbackTo(props: {
  sequelize: Sequelize;
  slug: string;
  version: string;
  publishedBy: string;
}): Promise<ModulePack> {
  const source = await sourceOf(props.slug, props.version);
  const current = await currentVersionOf(props.slug);
  if (current === props.version) throw new SiltaError('version_already_current', 'conflict', props.version);
  return publishVersion({
    sequelize: props.sequelize,
    slug: props.slug,
    source: withVersion(source, nextPatch(current)),
    origin: 'rollback',
    publishedBy: props.publishedBy,
    copiedFrom: props.version,
  });
}
