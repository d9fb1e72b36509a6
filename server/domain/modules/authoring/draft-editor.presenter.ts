import type { TFunction } from 'i18next';
import { parseDocument } from 'yaml';
import { LANGUAGES } from '../../../i18n';
import type { ContentProblem } from '../content-pack';
import type { Draft } from './module-drafts.service';
import { fieldId, NUMBER_FIELDS } from './draft-edits';
import { placeProblem } from './problem-place';

type Raw = Record<string, unknown>;
type LangField = {
  lang: string;
  langName: string;
  name: string;
  id: string;
  value: string;
  error?: string;
  rows?: number;
};

const asMap = (value: unknown): Raw =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
const asList = (value: unknown): Raw[] => (Array.isArray(value) ? value.map(asMap) : []);
const letter = (index: number) => String.fromCharCode(65 + index);

/** The problems of a draft placed for the editor: a summary linking to each field, and a message by each field. */
export function placedProblems(problems: ContentProblem[], t: TFunction, ids: Set<string>) {
  const fields: Record<string, string> = {};
  const summary = problems.map((problem) => {
    const placed = placeProblem(problem, t);
    const md = /^steps\/(fi|sv|en)\/.+\.md$/.test(problem.file) ? fieldId(`md|${problem.file}`) : null;
    const dotted = placed.path ? placed.path.replace(/\[(\d+)\]/g, '.$1') : null;
    // Its own field, else the question or step it is in, else (a step's id, a list) the structure.
    const candidates = md ? [md] : dotted ? [`t|${dotted}`, `n|${dotted}`].map(fieldId) : [];
    const ancestors = dotted
      ? dotted.split('.').map((_s, i, all) => fieldId(all.slice(0, all.length - i).join('.')))
      : [];
    const id = [...candidates, ...ancestors].find((candidate) => ids.has(candidate)) ?? 'f-yaml';
    const text = `${placed.place}: ${placed.message}`;
    fields[id] = fields[id] ? `${fields[id]}; ${placed.message}` : placed.message;
    return {
      href: `#${id}`,
      text,
      place: placed.place,
      message: placed.message,
      line: placed.line,
      file: problem.file,
      fieldId: id,
    };
  });
  return { summary, fields };
}

/**
 * The editor's view of a draft: every text of the module in fi/sv/en side by side (module title
 * and description, step texts in Markdown, questions, options with feedback and which are correct,
 * reflection prompts, checklist items), named as draft-edits.ts reads them back; module.yaml as
 * the structure. When module.yaml does not parse only the structure is shown.
 */
export function presentDraftEditor(
  draft: Draft,
  t: TFunction,
  problems: ContentProblem[],
  typed?: Record<string, string | string[]>,
) {
  const doc = parseDocument(draft.source['module.yaml'] ?? '');
  const yaml = typeof typed?.yaml === 'string' ? typed.yaml : (draft.source['module.yaml'] ?? '');
  const raw = doc.errors.length ? null : asMap(doc.toJS());
  const ids = new Set<string>(['f-yaml']);
  const langFields = (path: string, rows?: number): LangField[] =>
    LANGUAGES.map((lang) => {
      const name = `t|${path}.${lang}`;
      ids.add(fieldId(name));
      const stored = asMap(
        path
          .split('.')
          .reduce<unknown>((node, seg) => (node && typeof node === 'object' ? (node as Raw)[seg] : undefined), raw),
      )[lang];
      const value =
        typeof typed?.[name] === 'string' ? (typed[name] as string) : typeof stored === 'string' ? stored : '';
      return { lang, langName: t(`module_authoring.language.${lang}`), name, id: fieldId(name), value, rows };
    });
  const markdownFields = (file: string): LangField[] =>
    LANGUAGES.map((lang) => {
      const name = `md|steps/${lang}/${file}.md`;
      ids.add(fieldId(name));
      const value =
        typeof typed?.[name] === 'string' ? (typed[name] as string) : (draft.source[`steps/${lang}/${file}.md`] ?? '');
      return { lang, langName: t(`module_authoring.language.${lang}`), name, id: fieldId(name), value, rows: 10 };
    });
  const model = raw && {
    texts: [
      { label: t('module_authoring.field.title'), fields: langFields('title') },
      { label: t('module_authoring.field.description'), fields: langFields('description', 3) },
    ],
    numbers: NUMBER_FIELDS.map((field) => {
      const name = `n|${field}`;
      ids.add(fieldId(name));
      const value =
        typeof typed?.[name] === 'string' ? typed[name] : raw[field] === undefined ? '' : String(raw[field]);
      return { name, id: fieldId(name), label: t(`module_authoring.field.${field}`), value };
    }),
    steps: asList(raw.steps).map((step, s) => {
      const base = `steps.${s}`;
      const stepId = typeof step.id === 'string' ? step.id : '';
      const file = typeof step.file === 'string' ? step.file : stepId;
      ids.add(fieldId(base));
      return {
        id: fieldId(base),
        heading: t('module_authoring.edit.step', { number: s + 1, id: stepId, kind: String(step.kind ?? '') }),
        markdown: /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(file) ? markdownFields(file) : [],
        prompt: step.kind === 'reflection' ? langFields(`${base}.prompt`, 3) : null,
        questions: asList(step.questions).map((question, q) => {
          const qPath = `${base}.questions.${q}`;
          const multiple = question.type === 'multiple';
          ids.add(fieldId(qPath));
          return {
            error: undefined as string | undefined,
            id: fieldId(qPath),
            heading: t('module_authoring.edit.question', { number: q + 1 }),
            text: langFields(`${qPath}.text`, 2),
            correctName: `c|${qPath}`,
            inputType: multiple ? 'checkbox' : 'radio',
            options: asList(question.options).map((option, o) => ({
              heading: t('module_authoring.edit.option', { letter: letter(o) }),
              correctLabel: t('module_authoring.edit.correct', { letter: letter(o) }),
              correctId: fieldId(`c|${qPath}.${o}`),
              index: o,
              correct: option.correct === true,
              text: langFields(`${qPath}.options.${o}.text`, 2),
              feedback: langFields(`${qPath}.options.${o}.feedback`, 2),
            })),
          };
        }),
        items: asList(step.items).map((_item, i) => ({
          heading: t('module_authoring.edit.item', { number: i + 1 }),
          text: langFields(`${base}.items.${i}.text`),
        })),
      };
    }),
  };
  const placed = placedProblems(problems, t, ids);
  const withErrors = (fields: LangField[]) => fields.forEach((f) => (f.error = placed.fields[f.id]));
  if (model) {
    model.texts.forEach((x) => withErrors(x.fields));
    model.steps.forEach((step) => {
      withErrors(step.markdown);
      if (step.prompt) withErrors(step.prompt);
      step.questions.forEach((q) => {
        q.error = placed.fields[q.id];
        withErrors(q.text);
        q.options.forEach((o) => (withErrors(o.text), withErrors(o.feedback)));
      });
      step.items.forEach((i) => withErrors(i.text));
    });
  }
  return {
    editor: model,
    yaml,
    yamlError: placed.fields['f-yaml'],
    problems: placed.summary,
    errors: { summary: placed.summary, fields: placed.fields },
  };
}
