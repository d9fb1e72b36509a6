import assert from 'node:assert/strict';
import { languageFromAcceptLanguage, languageFromLocale } from '../../server/i18n';

describe('languageFromLocale', () => {
  const cases: [string | undefined | null, string][] = [
    ['fi', 'fi'],
    ['sv', 'sv'],
    ['sv_fi', 'sv'],
    ['en', 'en'],
    ['en_us', 'en'],
    ['sv-FI', 'sv'],
    ['fi-FI', 'fi'],
    ['EN-GB', 'en'],
    ['de', 'fi'],
    ['', 'fi'],
    [undefined, 'fi'],
    [null, 'fi'],
  ];
  for (const [locale, language] of cases) {
    it(`maps ${JSON.stringify(locale)} to ${language}`, () => {
      assert.equal(languageFromLocale(locale), language);
    });
  }
});

describe('languageFromAcceptLanguage', () => {
  it('takes the first supported language of the header, else Finnish', () => {
    assert.equal(languageFromAcceptLanguage('sv-FI,sv;q=0.9,en;q=0.5'), 'sv');
    assert.equal(languageFromAcceptLanguage('de-DE,de;q=0.9,en;q=0.5'), 'en');
    assert.equal(languageFromAcceptLanguage('de'), 'fi');
    assert.equal(languageFromAcceptLanguage(undefined), 'fi');
  });
});
