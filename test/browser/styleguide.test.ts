import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { translator } from '../../server/i18n';
import {
  expectAccessible,
  horizontalOverflow,
  langOf,
  launchBrowser,
  newCookielessPage,
  sites,
  skipWithoutChromium,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { openBoard, placeBoard, practiceForm } from '../board/board-fixtures';

describe('Browser: the style guide and the error summary', function () {
  this.timeout(90_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await context?.close();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [lang, width] of [
    ['fi', 1280],
    ['sv', 360],
    ['en', 360],
  ] as const) {
    it(`shows every component accessibly in ${lang} at ${width} px`, async () => {
      ({ context, page } = await newCookielessPage(browser, { viewport: { width, height: 900 } }));
      await page.goto(`${sites(t).silta}/dev/styleguide?lang=${lang}`);
      assert.equal(await langOf(page), lang);
      assert.equal(await page.locator('h1').textContent(), translator(lang)('styleguide.title'));
      await expectAccessible(page, `the style guide (${lang})`);
      assert.equal(await horizontalOverflow(page), 0, `fits ${width} px`);
      // Numeric columns and their headers are right-aligned; headings hyphenate in the page's language.
      assert.equal(
        await page
          .locator('th.number')
          .first()
          .evaluate((el) => getComputedStyle(el).textAlign),
        'right',
      );
      assert.equal(await page.locator('h1').evaluate((el) => getComputedStyle(el).hyphens), 'auto');
    });
  }

  it('a refused form focuses its error summary, whose link moves focus to the field', async () => {
    ({ context, page } = await newCookielessPage(browser, { viewport: { width: 360, height: 800 } }));
    const lt = await openBoard(t, placeBoard(t, { region: 'pirkanmaa' }), 'trainee', { locale: 'fi' });
    await page.goto(`${sites(t).silta}/board/new?lt=${lt}`);
    const body = new URLSearchParams(practiceForm(lt));
    await page.fill('#p-title', 'Oma otsikko');
    await page.fill('#p-summary', body.get('summary')!);
    await page.fill('#p-need', body.get('need')!);
    await page.fill('#p-done', body.get('whatWasDone')!);
    await page.fill('#p-links', 'thl.fi');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error-summary');
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('error-summary')),
      true,
      'the summary has focus',
    );
    assert.match(await page.title(), /^Virhe: /);
    await expectAccessible(page, 'the refused practice form');
    await page.click('.error-summary a[href="#p-links"]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'p-links');
    assert.equal(await page.inputValue('#p-title'), 'Oma otsikko');
  });
});
