import { DOMParser } from '@xmldom/xmldom';
import { isSeq, parseDocument } from 'yaml';
import { SiltaError } from '../../../errors';
import { LANGUAGES, translator, type Language } from '../../../i18n';
import type { PackSource } from '../versions/pack-source';

/** A Moodle XML export is text; far below the console's 50 MB upload limit. */
export const MOODLE_XML_MAX_BYTES = 5 * 1024 * 1024;
const MAX_QUESTIONS = 50;
const MAX_OPTIONS = 12;

type Localized = Record<Language, string>;
type ImportedOption = { id: string; correct: boolean; text: Localized; feedback: Localized };
type ImportedQuestion = {
  id: string;
  type: 'single' | 'multiple';
  points: number;
  shuffle: boolean;
  text: Localized;
  options: ImportedOption[];
};
/** Something the import left out, for the admin: which question (by its Moodle name) and why (a message key). */
export type Skipped = {
  question: string;
  reason:
    | 'type'
    | 'images'
    | 'markup'
    | 'too_many'
    | 'options'
    | 'empty'
    | 'general_feedback'
    | 'combined_feedback'
    | 'partial_credit';
  detail?: string;
};

/** Element children of a node by tag name (direct children only, as Moodle's format nests the same tags). */
function children(node: Element, tag: string): Element[] {
  const out: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (child.nodeType === 1 && (child as Element).tagName === tag) out.push(child as Element);
  return out;
}
const child = (node: Element | undefined, tag: string) => (node ? children(node, tag)[0] : undefined);
const textOf = (node: Element | undefined) => (node ? (child(node, 'text')?.textContent ?? '') : '');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string) =>
  s.replace(/&(#x?[0-9a-fA-F]+|[a-z]+);/g, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (ENTITIES[e] ?? m),
  );
/** Tags that are plain formatting of a question's text; anything else is reported as dropped markup. */
const PLAIN_TAGS = /^(p|br|span|div|b|strong|i|em|u|sup|sub)$/i;

/**
 * One Moodle text (HTML) as plain text per language. Moodle's multilang filter shows a
 * `<span lang="xx" class="multilang">` or `{mlang xx}…{mlang}` only in its language and text
 * outside them in every language; a text with no multilang parts belongs to `fallback`.
 */
function localize(
  html: string,
  fallback: Language,
  note: (reason: Skipped['reason'], detail?: string) => void,
): Localized {
  if (/<img\b|@@PLUGINFILE@@/i.test(html)) note('images');
  const dropped = new Set(
    [...html.matchAll(/<\s*([a-z][a-z0-9]*)\b/gi)]
      .map((m) => m[1].toLowerCase())
      .filter((tag) => !PLAIN_TAGS.test(tag) && tag !== 'img'),
  );
  if (dropped.size) note('markup', [...dropped].join(', '));
  const spans =
    /<span\b(?=[^>]*\bclass="[^"]*\bmultilang\b)[^>]*\blang="([a-zA-Z_-]+)"[^>]*>([\s\S]*?)<\/span>|<span\b[^>]*\blang="([a-zA-Z_-]+)"(?=[^>]*\bclass="[^"]*\bmultilang\b)[^>]*>([\s\S]*?)<\/span>|\{mlang ([a-zA-Z_-]+)\}([\s\S]*?)\{mlang\}/g;
  const multilang = spans.test(html);
  spans.lastIndex = 0;
  const out = {} as Localized;
  for (const lang of LANGUAGES) {
    const text = multilang
      ? html.replace(spans, (_m, l1?: string, t1?: string, l2?: string, t2?: string, l3?: string, t3?: string) =>
          (l1 ?? l2 ?? l3 ?? '').toLowerCase().split(/[-_]/)[0] === lang ? (t1 ?? t2 ?? t3 ?? '') : '',
        )
      : lang === fallback
        ? html
        : '';
    out[lang] = plain(text);
  }
  return out;
}

function plain(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decode(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

const kebab = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

/**
 * Reads a Moodle XML question export: multichoice (one or several answers) and truefalse become
 * questions with their per-answer feedback; every other type, images and markup Silta cannot show
 * are listed in `skipped`. `moodle_xml_invalid` for a file that is not Moodle XML.
 */
export function readMoodleXml(xml: string, fallback: Language): { questions: ImportedQuestion[]; skipped: Skipped[] } {
  const errors: string[] = [];
  // xmldom recovers from mismatched tags with only a warning; a Moodle export never needs that.
  const record = (message: string) =>
    errors.push(
      String(message)
        .split('\n')[0]
        .replace(/^\[xmldom \w+\]\s*/, '')
        .slice(0, 200),
    );
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: record, error: record, fatalError: record } }).parseFromString(
      xml,
      'text/xml',
    ) as unknown as Document;
  } catch (error) {
    throw new SiltaError('moodle_xml_invalid', 'bad_request', undefined, {
      reason: String((error as Error).message)
        .split('\n')[0]
        .slice(0, 200),
    });
  }
  const root = doc?.documentElement;
  if (errors.length || !root)
    throw new SiltaError('moodle_xml_invalid', 'bad_request', errors[0], { reason: errors[0] ?? 'no root element' });
  if (root.tagName !== 'quiz')
    throw new SiltaError('moodle_xml_invalid', 'bad_request', root.tagName, {
      reason: `<${root.tagName}> instead of <quiz>`,
    });
  const questions: ImportedQuestion[] = [];
  const skipped: Skipped[] = [];
  const ids = new Set<string>();
  for (const node of children(root, 'question')) {
    const type = node.getAttribute('type') ?? '';
    if (type === 'category' || type === 'info') continue;
    const name = plain(textOf(child(node, 'name'))) || `#${questions.length + skipped.length + 1}`;
    const note = (reason: Skipped['reason'], detail?: string) => {
      if (!skipped.some((s) => s.question === name && s.reason === reason))
        skipped.push({ question: name, reason, detail });
    };
    if (type !== 'multichoice' && type !== 'truefalse') {
      note('type', type);
      continue;
    }
    if (questions.length >= MAX_QUESTIONS) {
      note('too_many', String(MAX_QUESTIONS));
      continue;
    }
    const text = localize(textOf(child(node, 'questiontext')), fallback, note);
    const answers = children(node, 'answer');
    if (answers.length < 2 || answers.length > MAX_OPTIONS) {
      note('options', String(answers.length));
      continue;
    }
    const multiple =
      type === 'multichoice' && /^(false|0)$/.test((child(node, 'single')?.textContent ?? 'true').trim());
    // Silta shows feedback per option only; Moodle's other feedback texts and partial marks are named, not lost silently.
    if (plain(textOf(child(node, 'generalfeedback')))) note('general_feedback');
    if (
      ['correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback'].some((tag) =>
        plain(textOf(child(node, tag))),
      )
    )
      note('combined_feedback');
    const fractions = answers.map((answer) => Number(answer.getAttribute('fraction') ?? '0'));
    // Several answers: Moodle splits 100 among the right ones (50 + 50); only other splits lose marks.
    const positive = fractions.filter((f) => f > 0).reduce((sum, f) => sum + f, 0);
    if (multiple ? Math.abs(positive - 100) > 1 : fractions.some((f) => f !== 0 && f !== 100)) note('partial_credit');
    const t = (lang: Language) => translator(lang);
    const options = answers.map((answer, index): ImportedOption => {
      const fraction = fractions[index];
      const raw = textOf(answer);
      // truefalse answers are the words "true" and "false"; Silta says them in each language.
      const optionText =
        type === 'truefalse' && /^(true|false)$/i.test(raw.trim())
          ? (Object.fromEntries(
              LANGUAGES.map((lang) => [lang, t(lang)(`module_authoring.moodle.${raw.trim().toLowerCase()}`)]),
            ) as Localized)
          : localize(raw, fallback, note);
      return {
        id: String.fromCharCode(97 + index),
        correct: multiple ? fraction > 0 : fraction >= 100,
        text: optionText,
        feedback: localize(textOf(child(answer, 'feedback')), fallback, note),
      };
    });
    let id = kebab(name) || `q${questions.length + 1}`;
    if (!/^[a-z0-9]/.test(id)) id = `q-${id}`;
    while (ids.has(id)) id = `${id}-${questions.length + 1}`;
    ids.add(id);
    const grade = Number(child(node, 'defaultgrade')?.textContent ?? '1');
    const shuffle = (child(node, 'shuffleanswers')?.textContent ?? '1').trim();
    questions.push({
      id,
      type: multiple ? 'multiple' : 'single',
      points: grade > 0 && grade <= 1000 ? grade : 1,
      shuffle: !/^(0|false)$/.test(shuffle),
      text,
      options,
    });
  }
  if (questions.length === 0)
    throw new SiltaError('moodle_xml_empty', 'bad_request', undefined, { skipped: skipped.length });
  return { questions, skipped };
}

/**
 * Appends the imported questions to a draft as a new knowledge-check step (its text file in each
 * language titled "Questions imported from Moodle"); returns the new files and the step id.
 */
export function appendKnowledgeCheck(
  source: PackSource,
  questions: ImportedQuestion[],
): { source: PackSource; stepId: string } {
  const doc = parseDocument(source['module.yaml'] ?? '');
  if (doc.errors.length) throw new SiltaError('draft_yaml_invalid', 'bad_request');
  const steps = doc.get('steps');
  const taken = new Set(
    isSeq(steps) ? steps.items.map((s) => String((s as { get?: (k: string) => unknown }).get?.('id') ?? '')) : [],
  );
  let n = 1;
  while (taken.has(`moodle-import-${n}`) || Object.hasOwn(source, `steps/fi/moodle-import-${n}.md`)) n += 1;
  const stepId = `moodle-import-${n}`;
  const step = { id: stepId, kind: 'knowledge-check', questions };
  if (isSeq(steps)) steps.items.push(doc.createNode(step));
  else doc.set('steps', [step]);
  const files: Record<string, string> = { ...source, 'module.yaml': doc.toString({ lineWidth: 0 }) };
  for (const lang of LANGUAGES)
    files[`steps/${lang}/${stepId}.md`] = `# ${translator(lang)('module_authoring.moodle.step_title')}\n`;
  return { source: files, stepId };
}
