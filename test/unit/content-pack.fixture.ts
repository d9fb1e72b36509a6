import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LANGUAGES } from '../../server/i18n';

/** A small valid pack; each broken-pack case in content-pack.test.ts changes one thing in it. */
export const TINY = `id: tiny
version: 1.0.0
title: { fi: Pieni, sv: Liten, en: Tiny }
description:
  fi: Kuvaus
  sv: Beskrivning
  en: Description
estimatedMinutes: 5
passThreshold: 50
retries: false
steps:
  - id: intro
    kind: reading
  - id: quiz
    kind: knowledge-check
    questions:
      - id: one
        type: single
        points: 2
        text: { fi: K1, sv: F1, en: Q1 }
        options:
          - id: a
            correct: true
            text: { fi: A, sv: A, en: A }
            feedback: { fi: FA-fi, sv: FA-sv, en: FA-en }
          - id: b
            text: { fi: B, sv: B, en: B }
            feedback: { fi: FB-fi, sv: FB-sv, en: FB-en }
      - id: many
        type: multiple
        points: 3
        text: { fi: K2, sv: F2, en: Q2 }
        options:
          - id: a
            correct: true
            text: { fi: A, sv: A, en: A }
            feedback: { fi: MA-fi, sv: MA-sv, en: MA-en }
          - id: b
            correct: true
            text: { fi: B, sv: B, en: B }
            feedback: { fi: MB-fi, sv: MB-sv, en: MB-en }
          - id: c
            text: { fi: C, sv: C, en: C }
            feedback: { fi: MC-fi, sv: MC-sv, en: MC-en }
          - id: d
            text: { fi: D, sv: D, en: D }
            feedback: { fi: MD-fi, sv: MD-sv, en: MD-en }
  - id: think
    kind: reflection
    counts: true
    minLength: 10
    prompt: { fi: Mieti, sv: Fundera, en: Think }
  - id: list
    kind: checklist
    counts: true
    points: 2
    items:
      - id: x
        text: { fi: X, sv: X, en: X }
      - id: y
        text: { fi: Y, sv: Y, en: Y }
`;
export const TINY_STEPS = ['intro', 'quiz', 'think', 'list'];

/** A temporary directory for test packs; call inside a describe, it is removed after it. */
export function tempContentRoot(): { root: () => string } {
  let root = '';
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-content-'));
  });
  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });
  return { root: () => root };
}

let counter = 0;
/** Writes packs into a fresh modules directory: slug -> module.yaml text, plus Markdown files. */
export function writeModules(
  tmpRoot: string,
  packs: Record<string, string>,
  options: { steps?: string[]; markdown?: Record<string, string>; omit?: string[] } = {},
): string {
  const dir = path.join(tmpRoot, `case-${++counter}`);
  for (const [slug, yaml] of Object.entries(packs)) {
    fs.mkdirSync(path.join(dir, slug), { recursive: true });
    fs.writeFileSync(path.join(dir, slug, 'module.yaml'), yaml);
    for (const lang of LANGUAGES) {
      fs.mkdirSync(path.join(dir, slug, 'steps', lang), { recursive: true });
      for (const step of options.steps ?? TINY_STEPS) {
        const relative = `${slug}/steps/${lang}/${step}.md`;
        if (options.omit?.includes(relative)) continue;
        fs.writeFileSync(
          path.join(dir, relative),
          options.markdown?.[relative] ?? `# ${step} ${lang}\n\nText of ${step}.\n`,
        );
      }
    }
  }
  return dir;
}

/** 1-based line of the nth line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && ++seen === nth) return i + 1;
  }
  throw new Error(`"${needle}" (${nth}) not in the text`);
}
