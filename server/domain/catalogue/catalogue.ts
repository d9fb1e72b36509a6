import { z } from 'zod';

/** What an instructor can place in a course. Later features add their own entries. */
export type CatalogueItem = {
  kind: 'module' | 'board' | 'session';
  /** Locale keys of its title and description. */
  titleKey: string;
  descriptionKey: string;
  custom: Record<string, string>;
  /** A gradable item gets an AGS line item in Moodle's gradebook. */
  scoreMaximum?: number;
};

export const CATALOGUE: readonly CatalogueItem[] = [
  { kind: 'module', titleKey: 'catalogue.module.title', descriptionKey: 'catalogue.module.description', custom: { target: 'module' }, scoreMaximum: 100 },
  { kind: 'board', titleKey: 'catalogue.board.title', descriptionKey: 'catalogue.board.description', custom: { target: 'board' } },
  { kind: 'session', titleKey: 'catalogue.session.title', descriptionKey: 'catalogue.session.description', custom: { target: 'session' } },
];

export const TITLE_MAX = 200;

/** The deep-linking form: which items, and the title each gets in the course. */
export const selectionSchema = z.object({
  lt: z.string(),
  // One checkbox value arrives as a string, several as an array; a kind named twice is placed once.
  items: z.union([z.enum(['module', 'board', 'session']), z.array(z.enum(['module', 'board', 'session'])).min(1).max(3)]).transform((v) => [...new Set(Array.isArray(v) ? v : [v])]),
  title_module: z.string().trim().max(TITLE_MAX).optional(),
  title_board: z.string().trim().max(TITLE_MAX).optional(),
  title_session: z.string().trim().max(TITLE_MAX).optional(),
});
export type Selection = z.infer<typeof selectionSchema>;
