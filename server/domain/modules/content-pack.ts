import fs from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { LANGUAGES, type Language } from '../../i18n';
import { ROOT_DIR } from '../../paths';
import { KEBAB_CASE, moduleManifestSchema, type ManifestStep, type ModuleManifest } from './content-pack.schema';
import { findRawHtml, renderMarkdown, splitTitle } from './markdown';

/** Where the shipped modules live: one folder per module, named by its slug. */
export const CONTENT_MODULES_DIR = path.join(ROOT_DIR, 'content', 'modules');

/** One step's text in one language, rendered once at start. */
export type StepContent = { title: string; html: string };
export type PackStep = ManifestStep & { file: string; content: Record<Language, StepContent> };
export type ReadingStep = Extract<PackStep, { kind: 'reading' }>;
export type KnowledgeCheckStep = Extract<PackStep, { kind: 'knowledge-check' }>;
export type ReflectionStep = Extract<PackStep, { kind: 'reflection' }>;
export type ChecklistStep = Extract<PackStep, { kind: 'checklist' }>;
/** A validated module with every language's content; what the rest of Silta works with. */
export type ModulePack = Omit<ModuleManifest, 'steps'> & { slug: string; steps: PackStep[] };

/** One thing wrong in a content pack; `line` is 1-based, null when the file itself is missing. */
export type ContentProblem = { file: string; line: number | null; message: string };

/** Every problem found in the content packs; thrown at start so Silta refuses to run with them. */
export class ContentPackError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(`${problems.length} problem(s) in the module content packs:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ContentPackError';
  }
}

/** `file:line: message`, the form editors and CI logs link to. */
export function formatProblem(problem: ContentProblem): string {
  return `${problem.file}${problem.line === null ? '' : `:${problem.line}`}: ${problem.message}`;
}

let shipped: Map<string, ModulePack> | undefined;

/** The packs shipped in content/modules, loaded and validated on first use, then kept. */
export function shippedPacks(): ReadonlyMap<string, ModulePack> {
  return (shipped ??= loadContentPacks());
}

/**
 * Loads and validates every module under `dir` (default `content/modules`). Throws one
 * ContentPackError listing every problem of every pack, or returns the packs by slug.
 */
export function loadContentPacks(dir: string = CONTENT_MODULES_DIR): Map<string, ModulePack> {
  const problems: ContentProblem[] = [];
  const packs = new Map<string, ModulePack>();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ContentPackError([
      { file: displayPath(dir), line: null, message: 'the content directory does not exist' },
    ]);
  }
  const slugs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  for (const slug of slugs) {
    if (!KEBAB_CASE.test(slug)) {
      problems.push({
        file: displayPath(path.join(dir, slug)),
        line: null,
        message: 'a module folder name must be kebab-case (it is the module slug)',
      });
      continue;
    }
    const pack = loadPack(folderFiles(path.join(dir, slug)), slug, problems);
    if (pack) packs.set(slug, pack);
  }
  if (problems.length > 0) {
    // In file and line order, as an editor would walk through them.
    problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
    throw new ContentPackError(problems);
  }
  return packs;
}

/** A pack's files by relative path (`module.yaml`, `steps/fi/intro.md`): a folder, or files held in the database. */
export type PackFiles = { read(relative: string): string | null; label(relative: string): string };

function folderFiles(dir: string): PackFiles {
  const full = (relative: string) => path.join(dir, ...relative.split('/'));
  return {
    read: (relative) => (fs.existsSync(full(relative)) ? fs.readFileSync(full(relative), 'utf8') : null),
    label: (relative) => displayPath(full(relative)),
  };
}

/**
 * Validates one pack from its files with the same rules as at start (versions in the database,
 * uploads, the console's drafts): the pack, or every problem found.
 */
export function loadPackFiles(
  files: PackFiles,
  slug: string,
): { pack: ModulePack; problems: [] } | { pack: null; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const pack = loadPack(files, slug, problems);
  problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  return pack && problems.length === 0 ? { pack, problems: [] } : { pack: null, problems };
}

function loadPack(files: PackFiles, slug: string, problems: ContentProblem[]): ModulePack | null {
  const file = files.label('module.yaml');
  const manifestSource = files.read('module.yaml');
  if (manifestSource === null) {
    problems.push({ file, line: null, message: 'is missing: every module folder needs a module.yaml' });
    return null;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(manifestSource, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({
        file,
        line: error.linePos?.[0].line ?? null,
        message: `YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      });
    }
    return null;
  }
  const lineOf = (at: PropertyKey[]) => lineAt(doc, lineCounter, at);
  const raw: unknown = doc.toJS();
  const parsed = moduleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const { at, message } of describeIssue(issue, raw))
        problems.push({ file, line: lineOf(at), message: `${pathText(at)} ${message}` });
    }
    return null;
  }
  const manifest = parsed.data;
  const before = problems.length;
  if (manifest.id !== slug)
    problems.push({
      file,
      line: lineOf(['id']),
      message: `id must be the module's folder name "${slug}" (found "${manifest.id}")`,
    });

  const steps = manifest.steps.map((step, index): PackStep => {
    const base = step.file ?? step.id;
    const content = {} as Record<Language, StepContent>;
    for (const lang of LANGUAGES) {
      const relative = `steps/${lang}/${base}.md`;
      const source = files.read(relative);
      if (source === null) {
        const at = step.file ? ['steps', index, 'file'] : ['steps', index, 'id'];
        problems.push({
          file,
          line: lineOf(at),
          message: `${pathText(['steps', index])} (${step.id}): the Markdown file ${relative} is missing`,
        });
        continue;
      }
      const { title, body, titleLine } = splitTitle(source);
      if (!title)
        problems.push({
          file: files.label(relative),
          line: titleLine,
          message: 'must start with a level-1 heading ("# Title"), which is the step title',
        });
      for (const found of findRawHtml(source)) {
        problems.push({
          file: files.label(relative),
          line: found.line,
          message: `raw HTML is not allowed in module content (${found.html}); use Markdown`,
        });
      }
      content[lang] = { title: title ?? '', html: renderMarkdown(body) };
    }
    return { ...step, file: base, content };
  });
  if (problems.length > before) return null;
  return { ...manifest, slug, steps };
}

/** A file's path relative to the repository when inside it, so messages read `content/modules/...`. */
/** A path relative to the project when it lies inside it (as editors and CI logs show files). */
export function displayPath(file: string): string {
  const relative = path.relative(ROOT_DIR, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

/** `steps[2].questions[0].text.en` */
function pathText(at: PropertyKey[]): string {
  if (at.length === 0) return '(the document)';
  return at.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`)).join('');
}

/**
 * The line of what `at` points to: the key's line for a map entry (a block value starts one line
 * later), the item's line in a list, or the nearest existing parent when the entry is missing.
 */
function lineAt(doc: Document.Parsed, lineCounter: LineCounter, at: PropertyKey[]): number {
  let node: unknown = doc.contents;
  let line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
  for (const seg of at) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    } else break;
  }
  return line;
}

function valueAt(raw: unknown, at: PropertyKey[]): unknown {
  let value = raw;
  for (const seg of at) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

const NOUNS: Record<string, string> = {
  int: 'a whole number',
  object: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'a text',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * Turns a zod issue into "<what is wrong>" for the path. Messages the schema wrote itself start
 * in lower case and are used as they are; zod's own (capitalised) ones get a plainer wording.
 */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): { at: PropertyKey[]; message: string }[] {
  const at = issue.path;
  if (/^[a-z]/.test(issue.message)) return [{ at, message: issue.message }];
  const value = valueAt(raw, at);
  const last = at[at.length - 1];
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined || value === null) {
        const translation = typeof last === 'string' && (LANGUAGES as readonly string[]).includes(last);
        return [{ at, message: translation ? `is missing: every text needs ${LANGUAGES.join(', ')}` : 'is missing' }];
      }
      const quote = issue.expected === 'string' && typeof value !== 'object' ? ' (put it in quotes)' : '';
      return [{ at, message: `must be ${NOUNS[issue.expected] ?? issue.expected}${quote}` }];
    }
    case 'invalid_value':
      return [{ at, message: `must be one of ${issue.values.map(String).join(', ')}` }];
    case 'invalid_union': {
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String).join(', ') : '';
      if (!options) return [{ at, message: 'is not valid' }];
      return [{ at, message: value === undefined ? `is missing (one of ${options})` : `must be one of ${options}` }];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      if (issue.origin === 'array')
        return [{ at, message: `must list ${small ? 'at least' : 'at most'} ${limit} item(s)` }];
      if (issue.origin === 'string')
        return [{ at, message: small ? 'must not be empty' : `must be at most ${limit} characters` }];
      return [{ at, message: `must be ${small ? 'at least' : 'at most'} ${limit}` }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        at: [...at, key],
        message: 'is not a known field here (check the spelling in content/README.md)',
      }));
    case 'invalid_format':
      return [{ at, message: 'has the wrong format' }];
    default:
      return [{ at, message: issue.message }];
  }
}
