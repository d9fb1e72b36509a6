import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Language } from '../../i18n';
import { ROOT_DIR } from '../../paths';

/** Where the shipped method templates live: one YAML file per template, named by its key. */
export const SESSION_TEMPLATES_DIR = path.join(ROOT_DIR, 'content', 'session-templates');

const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const key = z.string().max(64).regex(KEY, 'must be kebab-case (a-z, 0-9, single hyphens)');
const text = (max: number) => z.string().trim().min(1).max(max);
const labels = (max: number) => z.object({ fi: text(max), sv: text(max), en: text(max) }).strict();
const item = z.object({ key, label: labels(100) }).strict();
const list = (max: number) =>
  z
    .array(item)
    .min(1)
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((it, index) => {
        if (seen.has(it.key))
          ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `"${it.key}" is used twice` });
        seen.add(it.key);
      });
    });

/** A method template file (`content/session-templates/<key>.yaml`). */
export const sessionTemplateSchema = z
  .object({
    key,
    title: labels(100),
    description: labels(500),
    /** Whether participants may edit, move, colour and delete each other's notes. */
    editOthers: z.boolean(),
    /** Default dot-vote budget per participant; the facilitator can change it per session. */
    voteBudget: z.number().int().min(0).max(50),
    phases: list(12),
    lanes: list(20),
    columns: list(20),
  })
  .strict();

export type SessionTemplate = z.infer<typeof sessionTemplateSchema>;
export type Labels = Record<Language, string>;

/** Every problem of the template files; thrown at boot so Silta refuses to start with them. */
export class SessionTemplateError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in the session templates:\n${problems.join('\n')}`);
    this.name = 'SessionTemplateError';
  }
}

const pathText = (at: PropertyKey[]) =>
  at.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`)).join('') ||
  '(the document)';

/**
 * Loads and validates every `*.yaml` under `dir`. A new template is a new file: no code. Throws
 * one SessionTemplateError naming each file and problem, or returns the templates by key.
 */
export function loadSessionTemplates(dir: string = SESSION_TEMPLATES_DIR): Map<string, SessionTemplate> {
  // Inside the repository a path reads `content/session-templates/...`, as editors and CI logs show it.
  const shown = (file: string) => {
    const relative = path.relative(ROOT_DIR, path.join(dir, file));
    return relative.startsWith('..') ? path.join(dir, file) : relative.split(path.sep).join('/');
  };
  if (!fs.existsSync(dir))
    throw new SessionTemplateError([`${shown('')}: the session template directory does not exist`]);
  const problems: string[] = [];
  const templates = new Map<string, SessionTemplate>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    let raw: unknown;
    try {
      raw = parse(fs.readFileSync(path.join(dir, file), 'utf8'), { uniqueKeys: true });
    } catch (error) {
      problems.push(`${shown(file)}: YAML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      continue;
    }
    const parsed = sessionTemplateSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${shown(file)}: ${pathText(issue.path)} ${issue.message}`);
      continue;
    }
    if (`${parsed.data.key}.yaml` !== file)
      problems.push(`${shown(file)}: key must be the file name without .yaml (found "${parsed.data.key}")`);
    else templates.set(parsed.data.key, parsed.data);
  }
  if (templates.size === 0 && problems.length === 0) problems.push(`${shown('')}: no templates (*.yaml) found`);
  if (problems.length) throw new SessionTemplateError(problems);
  return templates;
}
