import { z } from 'zod';
import { translator, type Language } from '../../i18n';
import type { ModulePack } from '../modules/content-pack';

/** Something an instructor can place in a course, in one language. */
export type CatalogueItem = {
  /** Form value and element id: `module-<slug>`, `board`, `session`. */
  key: string;
  title: string;
  description: string;
  custom: Record<string, string>;
  /** A gradable item gets an AGS line item in Moodle's gradebook. */
  scoreMaximum?: number;
  /** A module's current version: what new attempts start on. */
  version?: string;
};

/** The catalogue in a language: every module pack (graded), the board and a live session. */
export function catalogue(packs: ReadonlyMap<string, ModulePack>, lang: Language): CatalogueItem[] {
  const t = translator(lang);
  const modules = [...packs.values()].map((pack) => ({
    key: `module-${pack.slug}`,
    title: pack.title[lang],
    description: `${pack.description[lang]} ${t('catalogue.module.minutes', { minutes: pack.estimatedMinutes })}`,
    custom: { target: 'module', module: pack.slug },
    scoreMaximum: pack.scoreMaximum,
    version: pack.version,
  }));
  return [
    ...modules,
    {
      key: 'board',
      title: t('catalogue.board.title'),
      description: t('catalogue.board.description'),
      custom: { target: 'board' },
    },
    {
      key: 'session',
      title: t('catalogue.session.title'),
      description: t('catalogue.session.description'),
      custom: { target: 'session' },
    },
  ];
}

export const TITLE_MAX = 200;
const itemKey = z.string().regex(/^(module-[a-z0-9-]{1,100}|board|session)$/);

/** The deep-linking form: which items (by key), and the title each gets in the course (`title_<key>`). */
export const selectionSchema = z
  .object({
    lt: z.string(),
    // One checkbox value arrives as a string, several as an array; an item named twice is placed once.
    items: z
      .union([itemKey, z.array(itemKey).min(1).max(50)])
      .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]),
  })
  .catchall(z.unknown())
  .superRefine((form, ctx) => {
    for (const [name, value] of Object.entries(form)) {
      if (!name.startsWith('title_')) continue;
      if (typeof value !== 'string' || value.trim().length > TITLE_MAX)
        ctx.addIssue({ code: 'custom', path: [name], message: `must be text of at most ${TITLE_MAX} characters` });
    }
  });
