import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT_DIR } from '../../paths';
import { adoptionInputSchema, commentInputSchema, practiceInputSchema } from '../board/board.schema';

/** Where the development platform's demo board lives in the repo. */
export const DEMO_BOARD_FILE = path.join(ROOT_DIR, 'content', 'demo', 'board.yaml');

const key = z.string().regex(/^[a-z0-9-]{1,64}$/);

const personSchema = z.object({
  key,
  givenName: z.string().min(1).max(100),
  familyName: z.string().min(1).max(100),
  region: z.string(),
});

// A practice is checked by the board's own form schema, so demo data can hold nothing a user could not post.
const practiceSchema = z
  .object({ key, author: key, links: z.array(z.string()).default([]) })
  .passthrough()
  .transform((raw, ctx) => {
    const parsed = practiceInputSchema.safeParse({ ...raw, links: raw.links.join('\n') });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [raw.key, ...issue.path] });
      return z.NEVER;
    }
    return { key: raw.key, author: raw.author, input: parsed.data };
  });

const demoBoardSchema = z.object({
  people: z.array(personSchema).min(1),
  practices: z.array(practiceSchema).min(1),
  adoptions: z.array(z.object({ practice: key, by: key }).merge(adoptionInputSchema)).default([]),
  comments: z.array(z.object({ practice: key, by: key }).merge(commentInputSchema.pick({ body: true }))).default([]),
});

export type DemoBoard = z.infer<typeof demoBoardSchema>;
export type DemoPerson = DemoBoard['people'][number];

/**
 * Reads and checks the demo board. Every person and practice named by another entry must exist,
 * so a typo in the file stops the start with its place instead of seeding half of it.
 */
export function loadDemoBoard(file = DEMO_BOARD_FILE): DemoBoard {
  const parsed = demoBoardSchema.safeParse(parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${path.relative(ROOT_DIR, file)}: ${problems}`);
  }
  const board = parsed.data;
  const people = new Set(board.people.map((p) => p.key));
  const practices = new Set(board.practices.map((p) => p.key));
  const unknown = [
    ...board.practices.filter((p) => !people.has(p.author)).map((p) => `practice ${p.key}: unknown author ${p.author}`),
    ...[...board.adoptions, ...board.comments].flatMap((e) => [
      ...(people.has(e.by) ? [] : [`unknown person ${e.by}`]),
      ...(practices.has(e.practice) ? [] : [`unknown practice ${e.practice}`]),
    ]),
  ];
  if (unknown.length) throw new Error(`${path.relative(ROOT_DIR, file)}: ${unknown.join('; ')}`);
  return board;
}
