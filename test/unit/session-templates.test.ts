import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSessionTemplates, SessionTemplateError } from '../../server/domain/sessions/session-template';

/** A valid template file's text, with `replace` applied. */
function templateText(key: string, replace: [string, string][] = []): string {
  let text = fs
    .readFileSync(path.join(__dirname, '../../content/session-templates/free-board.yaml'), 'utf8')
    .replace('key: free-board', `key: ${key}`);
  for (const [from, to] of replace) text = text.replace(from, to);
  return text;
}

/** Loads templates from a temporary folder holding `files`; returns the problems or the keys. */
function load(files: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-templates-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  try {
    return [...loadSessionTemplates(dir).keys()];
  } catch (error) {
    assert.ok(error instanceof SessionTemplateError);
    return error.problems.map((p) => p.replace(dir + path.sep, '').replace(dir, '<dir>'));
  }
}

describe('Session templates are data, validated at boot', () => {
  it('loads the shipped templates with labels in every language', () => {
    const templates = loadSessionTemplates();
    assert.deepEqual([...templates.keys()], ['free-board', 'future-workshop', 'learning-cafe', 'service-chain']);
    const chain = templates.get('service-chain')!;
    assert.deepEqual(
      chain.lanes.map((l) => l.key),
      [
        'social-services',
        'health-care',
        'rehabilitation',
        'employment-services',
        'occupational-health',
        'kela',
        'education',
        'workplaces',
        'ngos',
      ],
    );
    assert.deepEqual(
      templates.get('future-workshop')!.phases.map((p) => p.key),
      ['critique', 'vision', 'implementation'],
    );
    for (const template of templates.values())
      for (const label of [template.title, ...template.lanes.map((l) => l.label)])
        assert.ok(label.fi && label.sv && label.en);
  });

  it('a new template is a new file, no code', () => {
    assert.deepEqual(load({ 'retro.yaml': templateText('retro') }), ['retro']);
  });

  it('names the file and the problem of every invalid template', () => {
    assert.deepEqual(
      load({
        'no-swedish.yaml': templateText('no-swedish', [['  sv: Fri tavla\n', '']]),
        'twice.yaml': templateText('twice', [['key: questions', 'key: ideas']]),
        'wrong-key.yaml': templateText('other'),
        'broken.yaml': 'key: [',
        'budget.yaml': templateText('budget', [['voteBudget: 3', 'voteBudget: many']]),
        'notes.txt': 'ignored',
      }),
      [
        'broken.yaml: YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 7:',
        'budget.yaml: voteBudget Invalid input: expected number, received string',
        'no-swedish.yaml: title.sv Invalid input: expected string, received undefined',
        'twice.yaml: columns[1].key "ideas" is used twice',
        'wrong-key.yaml: key must be the file name without .yaml (found "other")',
      ],
    );
    assert.deepEqual(load({}), ['<dir>: no templates (*.yaml) found']);
  });
});
