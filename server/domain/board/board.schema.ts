import { z } from 'zod';
import { LANGUAGES } from '../../i18n';

/** The actors of a work-ability service chain (DESIGN.md); labels are `board.actors.<code>`. */
export const ACTORS = [
  'social-services',
  'health-care',
  'rehabilitation',
  'employment-services',
  'occupational-health',
  'kela',
  'education',
  'workplaces',
  'ngos',
] as const;

/** Themes (tags) a practice can carry; labels are `board.themes.<code>`. */
export const THEMES = [
  'work-ability-support',
  'early-support',
  'return-to-work',
  'mental-health',
  'musculoskeletal',
  'youth',
  'unemployed',
  'older-workers',
  'multiprofessional',
  'digital-services',
  'guidance',
  'service-chain',
] as const;

/**
 * `draft`: visible to its author only until they publish it by choosing another status (a live
 * session's outcome arrives as one). The others are how far the practice has come.
 */
export const STATUSES = ['idea', 'pilot', 'established', 'draft'] as const;
export const DRAFT_STATUS = 'draft';
/** Orders of the listing; `relevance` only with a search query, and then the default. */
export const SORTS = ['relevance', 'newest', 'useful', 'adopted'] as const;
export type Sort = (typeof SORTS)[number];

export const LIMITS = {
  title: 200,
  summary: 1000,
  body: 10_000,
  links: 10,
  link: 500,
  comment: 4000,
  note: 1000,
  reason: 500,
  query: 200,
} as const;

const REGION_CODE = /^[a-z0-9-]{1,40}$/;

/** Board keys name a board in the launch custom parameter `board`. */
export const BOARD_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

// One checkbox arrives as a string, several as an array; none as nothing.
const many = <T extends z.ZodTypeAny>(item: T, max: number) =>
  z
    .union([item, z.array(item).max(max)])
    .optional()
    .transform((v) => (v === undefined ? [] : [...new Set(Array.isArray(v) ? v : [v])]));

const text = (max: number, min = 1) => z.string().trim().min(min).max(max);

const link = z
  .string()
  .trim()
  .max(LIMITS.link)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'http or https');

/** A practice as the form sends it; links one per line. */
export const practiceInputSchema = z.object({
  title: text(LIMITS.title),
  summary: text(LIMITS.summary),
  need: text(LIMITS.body),
  whatWasDone: text(LIMITS.body),
  results: text(LIMITS.body, 0),
  actors: many(z.enum(ACTORS), ACTORS.length),
  themes: many(z.enum(THEMES), THEMES.length),
  status: z.enum(STATUSES),
  language: z.enum(LANGUAGES),
  region: z.string().regex(REGION_CODE),
  links: z
    .string()
    .max(LIMITS.links * (LIMITS.link + 2))
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .pipe(z.array(link).max(LIMITS.links)),
});
export type PracticeInput = z.infer<typeof practiceInputSchema>;

export const commentInputSchema = z.object({
  body: text(LIMITS.comment),
  parent: z.coerce.number().int().positive().optional(),
});

export const adoptionInputSchema = z.object({ note: text(LIMITS.note, 0) });

export const moderationInputSchema = z.object({
  action: z.enum(['hide', 'restore']),
  reason: text(LIMITS.reason),
});

export const regionChoiceSchema = z.object({ region: z.string().regex(REGION_CODE) });

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values).optional().catch(undefined);

/** Listing filters from the query string. Unknown values are refused, not ignored. */
export const listQuerySchema = z.object({
  region: z.string().regex(REGION_CODE).optional(),
  wave: z.coerce.number().int().min(1).max(99).optional(),
  theme: z.enum(THEMES).optional(),
  actor: z.enum(ACTORS).optional(),
  status: z.enum(STATUSES).optional(),
  language: z.enum(LANGUAGES).optional(),
  q: z.string().trim().max(LIMITS.query).optional(),
  // Left unset when not chosen: the default depends on whether there is a query (listingSort).
  sort: optionalEnum(SORTS),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .transform((v) => v ?? 1),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** The moderation log's page; anything but a page number is refused. */
export const logQuerySchema = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .transform((v) => v ?? 1),
});

/** Route ids: a positive integer, anything else is a 404. */
export const idSchema = z.coerce.number().int().positive().max(2_147_483_647);
