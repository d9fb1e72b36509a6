import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PERSONAS } from '../../lti/dev-platform/personas';
import { LANGUAGES, loadResources } from '../../server/i18n';
import { ROOT_DIR } from '../../server/paths';

/** `{ a: { b: 'x' } }` → `{ 'a.b': 'x' }`; i18next plural forms (`_one`, `_other`) stay keys of their own. */
function flatten(
  tree: Record<string, unknown>,
  prefix = '',
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      flatten(value as Record<string, unknown>, name, into);
    else into[name] = value;
  }
  return into;
}

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  });
}

const resources = loadResources();
const flat = Object.fromEntries(LANGUAGES.map((lang) => [lang, flatten(resources[lang])])) as Record<
  (typeof LANGUAGES)[number],
  Record<string, unknown>
>;

/** A used key exists when it is a string, or when its plural forms are (i18next picks one by `count`). */
function missingIn(lang: (typeof LANGUAGES)[number], key: string): boolean {
  const keys = flat[lang];
  if (typeof keys[key] === 'string') return false;
  return !(typeof keys[`${key}_one`] === 'string' && typeof keys[`${key}_other`] === 'string');
}

/** Every use → the keys missing in some language, as `lang key (where)`. */
function missing(uses: { key: string; where: string }[]): string[] {
  return uses.flatMap(({ key, where }) =>
    LANGUAGES.filter((lang) => missingIn(lang, key)).map((lang) => `${lang} ${key} (${where})`),
  );
}

describe('locales', () => {
  it('have the same keys in Finnish, Swedish and English', () => {
    const all = new Set(LANGUAGES.flatMap((lang) => Object.keys(flat[lang])));
    assert.ok(all.size > 50, 'the locales were loaded');
    const gaps = [...all].flatMap((key) =>
      LANGUAGES.filter((lang) => !(key in flat[lang])).map((lang) => `${lang} lacks ${key}`),
    );
    assert.deepEqual(gaps, []);
  });

  it('have no empty or non-string values', () => {
    const bad = LANGUAGES.flatMap((lang) =>
      Object.entries(flat[lang])
        .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
        .map(([key]) => `${lang} ${key}`),
    );
    assert.deepEqual(bad, []);
  });

  it('keep the same placeholders in every language', () => {
    const placeholders = (value: unknown) =>
      [...String(value).matchAll(/\{\{\s*(\w+)\s*\}\}/g)]
        .map((m) => m[1])
        .sort()
        .join(',');
    const differing = Object.keys(flat.en).filter((key) =>
      LANGUAGES.some((lang) => key in flat[lang] && placeholders(flat[lang][key]) !== placeholders(flat.en[key])),
    );
    assert.deepEqual(differing, []);
  });

  it('translate every {{t "key"}} used in the views', () => {
    const uses = filesUnder(path.join(ROOT_DIR, 'views'), '.hbs').flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/[{(]t\s+"([^"]+)"/g)].map((m) => ({
        key: m[1],
        where: path.relative(ROOT_DIR, file),
      })),
    );
    assert.ok(uses.length > 20, 'the scan found the views');
    assert.deepEqual(missing(uses), []);
  });

  it("translate every t('literal.key') used in server/ and lti/", () => {
    const uses = ['server', 'lti'].flatMap((dir) =>
      filesUnder(path.join(ROOT_DIR, dir), '.ts').flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*(['"`])([a-z0-9_]+(?:\.[a-z0-9_]+)+)\1/gi)].map((m) => ({
          key: m[2],
          where: path.relative(ROOT_DIR, file),
        })),
      ),
    );
    assert.ok(uses.length > 10, 'the scan found the sources');
    assert.deepEqual(missing(uses), []);
  });

  it('translate the dynamic keys: roles, personas, catalogue items, landing offers', () => {
    const uses = [
      ...['learner', 'instructor', 'administrator'].map((role) => `roles.${role}`),
      ...PERSONAS.map((p) => `dev.persona.${p.key}`),
      ...['board', 'session'].flatMap((item) => [`catalogue.${item}.title`, `catalogue.${item}.description`]),
      'catalogue.module.minutes',
    ].map((key) => ({ key, where: 'dynamic' }));
    const presenter = fs.readFileSync(path.join(ROOT_DIR, 'server/domain/launches/landing.presenter.ts'), 'utf8');
    const offers = new Set(
      [...presenter.matchAll(/\[((?:\s*'[a-z_]+',?)+)\]/g)].flatMap((m) =>
        [...m[1].matchAll(/'([a-z_]+)'/g)].map((k) => k[1]),
      ),
    );
    assert.ok(offers.size >= 3, 'found the landing offers');
    for (const offer of offers)
      uses.push(
        { key: `home.offers.${offer}.title`, where: 'landing' },
        { key: `home.offers.${offer}.text`, where: 'landing' },
      );
    assert.deepEqual(missing(uses), []);
  });

  it('translate every error code the code can throw (errors.<code>)', () => {
    const builtIn = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ConfigError']);
    const codes = new Set([
      'internal',
      'not_found',
      'forbidden',
      'validation_failed',
      'payload_too_large',
      'session_expired',
      'title',
      'code_label',
      'retry_hint',
    ]);
    for (const dir of ['server', 'lti']) {
      for (const file of filesUnder(path.join(ROOT_DIR, dir), '.ts')) {
        const source = fs.readFileSync(file, 'utf8');
        for (const m of source.matchAll(/new (\w+Error)\(\s*'([a-z][a-z0-9_]*)'/g))
          if (!builtIn.has(m[1])) codes.add(m[2]);
        for (const m of source.matchAll(/\b(?:notFound|forbidden)\(\s*'([a-z][a-z0-9_]*)'/g)) codes.add(m[1]);
      }
    }
    assert.ok(codes.has('lti_invalid_token') && codes.has('lti_state_mismatch'), 'the scan found the LTI codes');
    assert.deepEqual(missing([...codes].map((code) => ({ key: `errors.${code}`, where: 'thrown' }))), []);
  });
});
