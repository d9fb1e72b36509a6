import { z } from 'zod';
import { MAX_INVITE_HOURS } from '../../../lti/registration';
import { MAX_OVERLAP_HOURS } from '../../../lti/key-rotation';

const text = (max: number) => z.string().trim().min(1).max(max);

/** An admin form: its fields, the CSRF token (checked before the route) and nothing else; the token is dropped. */
const form = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ _csrf: z.string(), ...shape })
    .strict()
    .transform((value) => {
      const fields: Record<string, unknown> = { ...value };
      delete fields._csrf;
      return fields as z.infer<z.ZodObject<T>>;
    });

/** An http(s) URL; plain http only outside production (a local Moodle). */
export const webUrl = (allowHttp: boolean) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine(
      (value) =>
        URL.canParse(value) &&
        (new URL(value).protocol === 'https:' || (allowHttp && new URL(value).protocol === 'http:')),
      { message: allowHttp ? 'must be an http(s) URL' : 'must be an https URL' },
    );

const deploymentId = text(255).regex(/^[^\s,]+$/, 'must not contain spaces or commas');

/** Deployment ids typed into one field, separated by spaces or commas, without repeats. */
const deploymentList = z
  .string()
  .max(4000)
  .transform((value) => [...new Set(value.split(/[\s,]+/).filter(Boolean))])
  .pipe(z.array(deploymentId).min(1).max(50));

const endpoints = (allowHttp: boolean) => ({
  name: text(255),
  authUrl: webUrl(allowHttp),
  tokenUrl: webUrl(allowHttp),
  jwksUrl: webUrl(allowHttp),
});

/** The manual registration form. */
export const platformForm = (allowHttp: boolean) =>
  form({ issuer: webUrl(allowHttp), clientId: text(255), deploymentIds: deploymentList, ...endpoints(allowHttp) });
export type PlatformInput = z.infer<ReturnType<typeof platformForm>>;

/** The edit form: issuer and client id are fixed. */
export const platformEditForm = (allowHttp: boolean) => form(endpoints(allowHttp));
export type PlatformEditInput = z.infer<ReturnType<typeof platformEditForm>>;

export const deploymentForm = form({ deploymentId });
export type DeploymentInput = z.infer<typeof deploymentForm>;

/** Removal needs the box ticked; the route checks `confirm` so a missing tick is its own error. */
export const removeForm = form({ confirm: z.literal('yes').optional() });

export const inviteForm = form({ hours: z.coerce.number().int().min(1).max(MAX_INVITE_HOURS) });
/** Rotation of every platform's key, or of one platform's (`platformId`). */
export const rotateForm = form({
  overlapHours: z.coerce.number().int().min(1).max(MAX_OVERLAP_HOURS),
  platformId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});
export const csrfOnlyForm = form({});
export const platformKeyForm = form({ issuer: z.string().min(1).max(512), clientId: z.string().min(1).max(255) });

/** Ids in paths: positive 32-bit integers. */
export const idParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** A region's names and rollout wave. */
export const regionForm = form({
  nameFi: text(200),
  nameSv: text(200),
  nameEn: text(200),
  wave: z.coerce.number().int().min(1).max(20),
});
export type RegionInput = z.infer<typeof regionForm>;
export const regionParam = z.object({ code: z.string().regex(/^[a-z0-9-]{1,40}$/) });

/** `?done=` notices after a redirect (post/redirect/get), by name. */
export const noticeQuery = z.object({
  done: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  count: z.coerce.number().int().min(0).max(1_000_000).optional(),
  lang: z.string().max(8).optional(),
});
