import type { TFunction } from 'i18next';
import type { ContentProblem } from '../content-pack';

const PATH = /^((?:[A-Za-z]+)(?:\.[A-Za-z]+|\[\d+\])*) (.+)$/;
const LANGUAGE_NAMES = new Set(['fi', 'sv', 'en']);
const FIELDS = new Set([
  'text',
  'feedback',
  'prompt',
  'title',
  'description',
  'id',
  'kind',
  'type',
  'points',
  'correct',
  'options',
  'questions',
  'items',
  'minLength',
  'maxLength',
  'file',
  'counts',
  'version',
  'passThreshold',
  'estimatedMinutes',
  'scoreMaximum',
  'retries',
  'steps',
]);

/** One validation problem as the console shows it: where, in words, and what is wrong. */
export type PlacedProblem = { place: string; message: string; line: number | null; path: string | null };

/**
 * Names a problem's place the way an author thinks of it ("Step 3, question 2, option B, Swedish
 * text") in the console's language, from the path content-pack.ts puts before its message
 * (`steps[2].questions[1].options[1].text.sv is missing`). Markdown files are named by step file
 * and language. The rest of the message stays as the validator wrote it when it has no
 * translation.
 */
export function placeProblem(problem: ContentProblem, t: TFunction): PlacedProblem {
  const md = /^steps\/(fi|sv|en)\/(.+)\.md$/.exec(problem.file);
  if (md)
    return {
      place: t('module_authoring.place.markdown', { file: md[2], language: t(`module_authoring.language.${md[1]}`) }),
      message: translateMessage(problem.message, t, null),
      line: problem.line,
      path: null,
    };
  const match = PATH.exec(problem.message);
  if (!match)
    return { place: problem.file, message: translateMessage(problem.message, t, null), line: problem.line, path: null };
  const segments = [...match[1].matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((m) =>
    m[1] !== undefined ? m[1] : Number(m[2]),
  );
  const parts: string[] = [];
  let language: string | null = null;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const index = segments[i + 1];
    if (typeof seg !== 'string') continue;
    if (typeof index === 'number' && ['steps', 'questions', 'options', 'items'].includes(seg)) {
      const value = seg === 'options' ? String.fromCharCode(65 + index) : String(index + 1);
      parts.push(t(`module_authoring.place.${seg}`, { value }));
      i += 1;
    } else if (LANGUAGE_NAMES.has(seg) && i === segments.length - 1) {
      language = seg;
    } else if (FIELDS.has(seg)) {
      parts.push(t(`module_authoring.field.${seg}`));
    } else parts.push(seg);
  }
  const place = parts.length ? parts.join(', ') : t('module_authoring.place.module');
  return { place, message: translateMessage(match[2], t, language), line: problem.line, path: match[1] };
}

/** The validator's common messages in the console's language; others as written. */
function translateMessage(message: string, t: TFunction, language: string | null): string {
  const lang = language ? t(`module_authoring.language_text.${language}`) : null;
  if (/^is missing/.test(message))
    return lang
      ? t('module_authoring.problem.text_missing', { language: lang })
      : t('module_authoring.problem.missing');
  if (/^must not be empty/.test(message))
    return lang ? t('module_authoring.problem.text_empty', { language: lang }) : t('module_authoring.problem.empty');
  if (/^raw HTML is not allowed/.test(message))
    return t('module_authoring.problem.raw_html', { html: /\((.*)\); use Markdown/.exec(message)?.[1] ?? '' });
  if (/^must start with a level-1 heading/.test(message)) return t('module_authoring.problem.no_title');
  if (/single-choice question and needs exactly one correct option/.test(message))
    return t('module_authoring.problem.single_correct', { found: /found (\d+)/.exec(message)?.[1] ?? '0' });
  if (/multiple-choice question and needs at least one correct option/.test(message))
    return t('module_authoring.problem.multiple_correct');
  if (/the Markdown file (\S+) is missing/.test(message))
    return t('module_authoring.problem.markdown_missing', {
      file: /the Markdown file (\S+) is missing/.exec(message)![1],
    });
  return lang ? `${lang}: ${message}` : message;
}
