import type { Sequelize } from 'sequelize';
import { SiltaError } from '../../../errors';
import { KEBAB_CASE } from '../content-pack.schema';
import type { ModulePack } from '../content-pack';
import { PackProblemsError, publishVersion } from '../versions/module-versions.service';
import { compareVersions, declaredIdentity, packFromSource } from '../versions/pack-source';
import { ModuleRecord } from '../../../store/module-version-models';
import { readPackZip } from './pack-zip';

/**
 * An uploaded pack zip becomes a new module or a new version of one, or nothing at all: every
 * check (the zip, each file, the content rules of content-pack.ts, the version) runs before the
 * one transaction that stores it.
 */
export async function uploadPack(props: {
  sequelize: Sequelize;
  zip: Uint8Array;
  publishedBy: string;
}): Promise<{ pack: ModulePack; created: boolean }> {
  const { source, folder, ignored } = readPackZip(props.zip);
  const slug = folder ?? declaredIdentity(source).id;
  if (!slug || !KEBAB_CASE.test(slug)) throw new SiltaError('pack_slug_missing', 'bad_request', slug ?? undefined);
  const { pack, problems } = packFromSource(slug, source);
  const extra = ignored.map((file) => ({
    file,
    line: null,
    message: 'is not part of a module pack (only module.yaml and steps/<fi|sv|en>/<name>.md; images are not supported)',
  }));
  if (!pack || extra.length) throw new PackProblemsError([...extra, ...problems]);
  // Checked here for a clear message; publishVersion checks again inside its transaction.
  const record = await ModuleRecord.findByPk(slug);
  if (record && compareVersions(pack.version, record.currentVersion) <= 0) {
    throw new SiltaError('pack_version_not_newer', 'conflict', `${pack.version} <= ${record.currentVersion}`, {
      version: pack.version,
      current: record.currentVersion,
    });
  }
  return {
    pack: await publishVersion({
      sequelize: props.sequelize,
      slug,
      source,
      origin: 'upload',
      publishedBy: props.publishedBy,
    }),
    created: !record,
  };
}
