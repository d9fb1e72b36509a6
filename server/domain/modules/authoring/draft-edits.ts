import { isMap, isSeq, parseDocument } from 'yaml';
import { SiltaError } from '../../../errors';
import { LANGUAGES } from '../../../i18n';
import type { PackSource } from '../versions/pack-source';

/** The localized texts of module.yaml that the editor shows as fields. */
export const TEXT_FIELDS = new Set(['title', 'description', 'text', 'feedback', 'prompt']);
/** Numbers of the module's metadata that the editor shows as fields. */
export const NUMBER_FIELDS = ['estimatedMinutes', 'passThreshold'] as const;

const MARKDOWN_PATH = /^steps\/(fi|sv|en)\/([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/**
 * Editor field names: `t|steps.2.questions.1.text.sv` (a text in module.yaml), `md|steps/sv/intro.md`
 * (a step's Markdown), `c|steps.2.questions.1` (the indexes of a question's correct options),
 * `n|passThreshold` (a number). The page's element id is derived from the name.
 */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;

const segmentsOf = (path: string): (string | number)[] =>
  path.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));

/**
 * Applies the editor's fields to a draft's files and returns the new files. A field that names no
 * text of this draft (a forged or stale name) refuses the whole save (`draft_field_unknown`), so
 * nothing is half-applied. `yaml` replaces module.yaml as typed (the structure form).
 */
export function applyEdits(source: PackSource, fields: Record<string, string | string[]>): PackSource {
  const files: Record<string, string> = { ...source };
  if (typeof fields.yaml === 'string') files['module.yaml'] = fields.yaml.replace(/\r\n/g, '\n');
  const doc = parseDocument(files['module.yaml'] ?? '');
  const yamlEdits = Object.keys(fields).some((name) => /^[tcn]\|/.test(name));
  if (yamlEdits && doc.errors.length) throw new SiltaError('draft_yaml_invalid', 'bad_request');
  const stepFiles = new Set<string>();
  const steps = doc.get('steps');
  if (isSeq(steps)) {
    for (const step of steps.items) if (isMap(step)) stepFiles.add(String(step.get('file') ?? step.get('id')));
  }
  for (const [name, value] of Object.entries(fields)) {
    const [kind, path] = name.split('|', 2);
    if (path === undefined) continue;
    const unknown = () => new SiltaError('draft_field_unknown', 'bad_request', name);
    if (kind === 'md') {
      const md = MARKDOWN_PATH.exec(path);
      if (!md || !stepFiles.has(md[2]) || typeof value !== 'string') throw unknown();
      files[path] = value.replace(/\r\n/g, '\n');
    } else if (kind === 't') {
      const at = segmentsOf(path);
      const lang = at[at.length - 1];
      const field = at[at.length - 2];
      if (
        typeof value !== 'string' ||
        !(LANGUAGES as readonly unknown[]).includes(lang) ||
        !TEXT_FIELDS.has(String(field))
      )
        throw unknown();
      // A missing translation may be added, but only inside a text that exists (or under a map that exists).
      const parent = doc.getIn(at.slice(0, -2));
      if (!isMap(parent)) throw unknown();
      if (!isMap(doc.getIn(at.slice(0, -1)))) doc.setIn(at.slice(0, -1), doc.createNode({}));
      doc.setIn(at, value.replace(/\r\n/g, '\n'));
    } else if (kind === 'c') {
      const at = segmentsOf(path);
      const options = doc.getIn([...at, 'options']);
      if (!isSeq(options)) throw unknown();
      const chosen = new Set((Array.isArray(value) ? value : [value]).filter((v) => v !== ''));
      options.items.forEach((option, index) => {
        if (!isMap(option)) return;
        if (chosen.has(String(index))) option.set('correct', true);
        else option.delete('correct');
      });
    } else if (kind === 'n') {
      if (!(NUMBER_FIELDS as readonly string[]).includes(path) || typeof value !== 'string') throw unknown();
      const trimmed = value.trim();
      // A number as a number; anything else is kept as typed, and validation says what is wrong.
      doc.set(path, /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed);
    } else throw unknown();
  }
  if (yamlEdits) files['module.yaml'] = doc.toString({ lineWidth: 0 });
  return files;
}
