import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import { SiltaError } from '../../../errors';
import { ModuleDraft, ModuleRecord } from '../../../store/module-version-models';
import { inTransaction } from '../../../store/transaction';
import type { ContentProblem, ModulePack } from '../content-pack';
import { KEBAB_CASE } from '../content-pack.schema';
import { publishVersion, sourceOf } from '../versions/module-versions.service';
import {
  compareVersions,
  declaredIdentity,
  nextPatch,
  packFromSource,
  withVersion,
  type PackSource,
} from '../versions/pack-source';
import { PACK_MAX_FILE_BYTES, PACK_MAX_FILES, PACK_MAX_TOTAL_BYTES } from './pack-zip';

const PACK_PATH = /^(module\.yaml|steps\/(fi|sv|en)\/[a-z0-9]+(?:-[a-z0-9]+)*\.md)$/;

/**
 * The shape every saved draft has, checked on each save: pack paths only, texts within a pack's
 * limits. Whether the pack is a valid module is checked apart (draftProblems), so a half-written
 * draft can be saved and its problems listed.
 */
export const draftSourceSchema = z
  .record(z.string().regex(PACK_PATH), z.string().max(PACK_MAX_FILE_BYTES))
  .refine((files) => Object.keys(files).length <= PACK_MAX_FILES, { error: 'too_many_files' })
  .refine(
    (files) => Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0) <= PACK_MAX_TOTAL_BYTES,
    { error: 'too_large' },
  )
  .refine((files) => typeof files['module.yaml'] === 'string', { error: 'module_yaml_missing' });

/** A module's draft as the console shows it. */
export type Draft = {
  slug: string;
  baseVersion: string;
  source: PackSource;
  updatedBy: string | null;
  updatedAt: Date | null;
  saved: boolean;
};

/**
 * The draft of a module, or (when none was saved) the current version's files with the next
 * patch version: what the editor starts from. `module_not_found` when there is neither.
 */
export async function draftOf(slug: string): Promise<Draft> {
  const row = await ModuleDraft.findByPk(slug);
  if (row)
    return {
      slug,
      baseVersion: row.baseVersion,
      source: JSON.parse(row.files) as PackSource,
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt,
      saved: true,
    };
  const record = await ModuleRecord.findByPk(slug);
  if (!record) throw new SiltaError('module_not_found', 'not_found', slug);
  const source = await sourceOf(slug, record.currentVersion);
  return {
    slug,
    baseVersion: record.currentVersion,
    source: withVersion(source, nextPatch(record.currentVersion)),
    updatedBy: null,
    updatedAt: null,
    saved: false,
  };
}

/** Every problem that stops the draft from being published (the same rules as an upload), or none. */
export function draftProblems(draft: Pick<Draft, 'slug' | 'source'>): {
  pack: ModulePack | null;
  problems: ContentProblem[];
} {
  return packFromSource(draft.slug, draft.source);
}

/**
 * Saves a draft's files as they are (checked for shape, not for validity), starting the draft
 * when there was none. Returns the saved draft.
 */
export async function saveDraft(props: {
  sequelize: Sequelize;
  slug: string;
  baseVersion: string;
  source: PackSource;
  updatedBy: string;
}): Promise<Draft> {
  const parsed = draftSourceSchema.safeParse(props.source);
  if (!parsed.success) throw new SiltaError('draft_too_large', 'too_large', parsed.error.issues[0]?.message);
  const updatedAt = new Date();
  await inTransaction(props.sequelize, async (transaction) => {
    await ModuleDraft.upsert(
      {
        moduleSlug: props.slug,
        baseVersion: props.baseVersion,
        files: JSON.stringify(parsed.data),
        updatedBy: props.updatedBy,
        updatedAt,
      },
      { transaction },
    );
  });
  return {
    slug: props.slug,
    baseVersion: props.baseVersion,
    source: parsed.data,
    updatedBy: props.updatedBy,
    updatedAt,
    saved: true,
  };
}

/** A new module's first draft: one reading step and one knowledge check with every text to write. */
export async function startNewModule(props: { sequelize: Sequelize; slug: string; updatedBy: string }): Promise<Draft> {
  if (!KEBAB_CASE.test(props.slug)) throw new SiltaError('pack_slug_missing', 'bad_request', props.slug);
  if ((await ModuleRecord.findByPk(props.slug)) || (await ModuleDraft.findByPk(props.slug)))
    throw new SiltaError('module_exists', 'conflict', props.slug, { slug: props.slug });
  return saveDraft({ ...props, baseVersion: '0.0.0', source: skeleton(props.slug) });
}

/** Drops the draft; the module stays as published. */
export async function discardDraft(slug: string): Promise<void> {
  await ModuleDraft.destroy({ where: { moduleSlug: slug } });
}

/**
 * Publishes the saved draft as a new version (origin `console`) when it validates; a draft whose
 * version is not above the current one gets the next patch version, so an author never has to
 * think of version numbers. PackProblemsError when it does not validate; nothing is stored then.
 */
export async function publishDraft(props: {
  sequelize: Sequelize;
  slug: string;
  publishedBy: string;
}): Promise<ModulePack> {
  const row = await ModuleDraft.findByPk(props.slug);
  if (!row) throw new SiltaError('draft_not_found', 'not_found', props.slug);
  let source = JSON.parse(row.files) as PackSource;
  const record = await ModuleRecord.findByPk(props.slug);
  const declared = declaredIdentity(source).version;
  if (record && (!declared || compareVersions(declared, record.currentVersion) <= 0))
    source = withVersion(source, nextPatch(record.currentVersion));
  return publishVersion({
    sequelize: props.sequelize,
    slug: props.slug,
    source,
    origin: 'console',
    publishedBy: props.publishedBy,
  });
}

function skeleton(slug: string): PackSource {
  const yaml = [
    `id: ${slug}`,
    'version: 1.0.0',
    'title: { fi: "", sv: "", en: "" }',
    'description: { fi: "", sv: "", en: "" }',
    'estimatedMinutes: 15',
    'passThreshold: 70',
    'retries: true',
    'steps:',
    '  - id: intro',
    '    kind: reading',
    '  - id: check',
    '    kind: knowledge-check',
    '    questions:',
    '      - id: q1',
    '        type: single',
    '        text: { fi: "", sv: "", en: "" }',
    '        options:',
    '          - { id: a, correct: true, text: { fi: "", sv: "", en: "" }, feedback: { fi: "", sv: "", en: "" } }',
    '          - { id: b, text: { fi: "", sv: "", en: "" }, feedback: { fi: "", sv: "", en: "" } }',
    '',
  ].join('\n');
  const files: Record<string, string> = { 'module.yaml': yaml };
  for (const lang of ['fi', 'sv', 'en']) {
    files[`steps/${lang}/intro.md`] = '# \n';
    files[`steps/${lang}/check.md`] = '# \n';
  }
  return files;
}
