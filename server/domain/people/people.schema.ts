import { z } from 'zod';
import { LANGUAGES } from '../../i18n';

/** No control characters (NUL ends an SQL statement on SQLite): nobody types one into a search. */
const typeable = (schema: z.ZodString) => schema.regex(/^[^\p{Cc}]*$/u, 'control characters');

// An empty field of a GET form means "not given".
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/**
 * The people search: a platform identity (issuer and sub, both) or a part of a name or email
 * address. Nothing given shows the empty search form.
 */
export const peopleQuery = z
  .object({
    issuer: z.preprocess(
      blank,
      typeable(z.string().trim().max(512))
        .refine((v) => URL.canParse(v), 'must be a URL')
        .optional(),
    ),
    sub: z.preprocess(blank, typeable(z.string().trim().max(255)).optional()),
    q: z.preprocess(blank, typeable(z.string().trim().min(2, 'must have at least 2 characters').max(100)).optional()),
    lang: z.enum(LANGUAGES).optional(),
  })
  .strict()
  .refine((v) => (v.issuer === undefined) === (v.sub === undefined), {
    message: 'give both the issuer and the sub',
    path: ['sub'],
  });
export type PeopleQuery = z.infer<typeof peopleQuery>;

export const personParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();

export const personQuery = z
  .object({ done: z.enum(['erased', 'removed']).optional(), lang: z.enum(LANGUAGES).optional() })
  .strict();

/** "Export JSON": the CSRF token only (checked before the route). */
export const exportForm = z.object({ _csrf: z.string() }).strict();

/** "Erase": keep the posts under "deleted user" (the default) or remove them, and the confirmation tick. */
export const eraseForm = z
  .object({ _csrf: z.string(), mode: z.enum(['keep', 'remove']).default('keep'), confirm: z.literal('yes').optional() })
  .strict();
