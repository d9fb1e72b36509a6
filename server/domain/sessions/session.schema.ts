import { z } from 'zod';
import { NOTE_COLOURS } from '../../sockets/session-events';

/** Limits of what participants type. */
export const NOTE_TEXT_MAX = 1000;
export const LABEL_MAX = 100;
export const TITLE_MAX = 200;
export const TIMER_MAX_SECONDS = 4 * 3600;
export const VOTE_BUDGET_MAX = 50;

const sessionId = z.number().int().positive();
const uuid = z.uuid();
const key = z.string().min(1).max(64);
/** Typed text: no NUL characters (nobody types one, and SQL batches end at one). */
const typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\0]*$/);
const noteText = typed(NOTE_TEXT_MAX);
const label = typed(LABEL_MAX);
const colour = z.enum(NOTE_COLOURS);

/** A mutation: the session and the client-generated id that makes a retry harmless. */
const mutation = <T extends z.ZodRawShape>(shape: T) => z.object({ sessionId, clientId: uuid, ...shape }).strict();

// Socket command payloads (decision 0007); unknown fields are refused.
export const joinSchema = z.object({ sessionId, sinceSeq: z.number().int().min(0).optional() }).strict();
export const leaveSchema = z.object({ sessionId }).strict();
export const awaySchema = z.object({ sessionId, away: z.boolean() }).strict();
export const noteAddSchema = mutation({ lane: key, column: key, text: noteText, colour: colour.optional() });
export const noteEditSchema = mutation({ noteId: uuid, text: noteText });
export const noteMoveSchema = mutation({ noteId: uuid, lane: key, column: key });
export const noteColourSchema = mutation({ noteId: uuid, colour });
export const noteDeleteSchema = mutation({ noteId: uuid });
export const noteClusterSchema = mutation({ noteId: uuid, clusterId: uuid.nullable() });
export const clusterCreateSchema = mutation({ label });
export const clusterRenameSchema = mutation({ clusterId: uuid, label });
export const clusterDeleteSchema = mutation({ clusterId: uuid });
export const voteSchema = mutation({ noteId: uuid });
export const lockSchema = z.discriminatedUnion('scope', [
  mutation({ scope: z.literal('board') }),
  mutation({ scope: z.literal('phase'), phase: key }),
]);
export const phaseSchema = mutation({ phase: key });
export const timerStartSchema = mutation({
  durationSeconds: z.number().int().min(1).max(TIMER_MAX_SECONDS).optional(),
});
export const plainMutationSchema = mutation({});
export const budgetSchema = mutation({ voteBudget: z.number().int().min(0).max(VOTE_BUDGET_MAX) });

export type NoteAdd = z.infer<typeof noteAddSchema>;
export type LockInput = z.infer<typeof lockSchema>;

/** A checkbox arrives as "on" (or "true"/"1"); absent means off. */
const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('1')])
  .optional()
  .transform((v) => v !== undefined);

/** The facilitator's "new session" form. */
export const createSessionSchema = z
  .object({
    lt: z.string(),
    title: z.string().trim().min(1).max(TITLE_MAX),
    language: z.enum(['fi', 'sv', 'en']),
    template: z.string().max(64),
    anonymous: checkbox,
    completionReporting: checkbox,
    // An empty field means the template's default budget.
    voteBudget: z
      .union([
        z.literal('').transform(() => undefined),
        z
          .string()
          .regex(/^\d{1,2}$/)
          .transform(Number)
          .pipe(z.number().max(VOTE_BUDGET_MAX)),
      ])
      .optional(),
  })
  .strict();

export type CreateSessionInput = z.infer<typeof createSessionSchema>;
