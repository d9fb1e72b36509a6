import { z } from 'zod';

/** A user as the platform knows them: the platform's issuer and the LTI `sub`. */
export const platformUserSchema = z.object({
  issuer: z
    .string()
    .trim()
    .max(512, 'is too long')
    .refine((value) => URL.canParse(value), 'must be a URL'),
  sub: z.string().trim().min(1, 'must not be empty').max(255, 'is too long'),
});

/** A user by platform identity, or by Silta's own id (the admin console, retention). */
export const userRefSchema = z.union([platformUserSchema, z.object({ userId: z.number().int().positive() })]);

export type UserRef = z.infer<typeof userRefSchema>;
