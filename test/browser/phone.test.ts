import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  expectAccessible,
  horizontalOverflow,
  langOf,
  launchBrowser,
  launchFromPlatform,
  newCookielessPage,
  openPlatform,
  sites,
  skipWithoutChromium,
  tabTo,
  waitForFrame,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Many trainees open Moodle on a phone: nothing may scroll sideways at 360 px, and the language
// switch must work from the keyboard (or a switch device) too.
describe('Browser: on a 360 px phone', function () {
  // A real browser on a 2-core CI machine: each test launches, renders and runs axe several times.
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  let silta: string;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    ({ silta } = sites(t));
    browser = await launchBrowser();
  });

  beforeEach(async function () {
    if (!browser) this.skip();
    ({ context, page } = await newCookielessPage(browser, PHONE));
  });

  afterEach(async () => {
    await context?.close();
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the development platform and the framed landing page without horizontal scrolling', async () => {
    await openPlatform(page, t, 'fi');
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth)) <= 360,
      'the platform page fits 360 px',
    );
    assert.equal(await page.evaluate(() => window.innerWidth), 360);
    await expectAccessible(page, 'the development platform at 360 px');

    await launchFromPlatform(page, { persona: 'trainee', locale: 'fi' });
    const frame = await waitForFrame(page, `${silta}/app?lt=`);
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth)) <= 360,
      'the course page with Silta fits 360 px',
    );
    assert.equal(await horizontalOverflow(frame), 0, 'the landing page fits its frame');
    await expectAccessible(page, 'the course page with the landing page at 360 px');
  });

  it('shows the landing page in its own window without horizontal scrolling, and switches language with the keyboard', async () => {
    await openPlatform(page, t, 'fi');
    const popupPromise = context.waitForEvent('page');
    await launchFromPlatform(page, { persona: 'teacher', locale: 'fi', newWindow: true });
    const landing = await popupPromise;
    await landing.waitForURL(`${silta}/app?lt=*`);
    assert.equal(await langOf(landing), 'fi');
    assert.ok(
      (await landing.evaluate(() => document.documentElement.scrollWidth)) <= 360,
      'the landing page fits 360 px',
    );
    await expectAccessible(landing, 'the landing page at 360 px');

    await tabTo(landing, landing, 'a[hreflang="sv"]');
    assert.equal(await landing.evaluate(() => document.activeElement?.textContent), 'Svenska');
    await landing.keyboard.press('Enter');
    await landing.waitForURL(/[?&]lang=sv/);
    await landing.locator('html[lang="sv"]').waitFor();
    assert.match((await landing.locator('h1').textContent()) ?? '', /^Välkommen, /);
    assert.ok(
      (await landing.evaluate(() => document.documentElement.scrollWidth)) <= 360,
      'the Swedish landing page fits 360 px',
    );
    await expectAccessible(landing, 'the Swedish landing page at 360 px');
  });
});
