import path from 'node:path';
import { parseDocument } from 'yaml';
import { CONTENT_MODULES_DIR } from '../../server/domain/modules/content-pack';
import { readPackFolder, type PackSource } from '../../server/domain/modules/versions/pack-source';

let counter = 0;

/** A slug no other test uses: the test process shares one database. */
export function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/**
 * A shipped pack's files under another slug and version, with `edit` applied to its module.yaml
 * document (e.g. `doc.setIn(['title', 'sv'], 'Ny titel')`).
 */
export function packSource(
  slug: string,
  version: string,
  edit: (doc: ReturnType<typeof parseDocument>) => void = () => {},
  from = 'work-ability-service-chain',
): PackSource {
  const source = readPackFolder(path.join(CONTENT_MODULES_DIR, from));
  const doc = parseDocument(source['module.yaml']);
  doc.set('id', slug);
  doc.set('version', version);
  edit(doc);
  return { ...source, 'module.yaml': doc.toString({ lineWidth: 0 }) };
}
