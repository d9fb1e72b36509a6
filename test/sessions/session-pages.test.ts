import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { openLink, placeSession, startSession } from './session-fixtures';

// The server pages of live sessions (H4 builds the live UI on the session page).
describe('Browser: live session pages are accessible and fit a phone', function () {
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
  });
  beforeEach(async function () {
    if (!browser) this.skip();
    ({ context, page } = await newCookielessPage(browser, { viewport: { width: 360, height: 740 } }));
  });
  afterEach(async () => {
    await context?.close();
  });
  after(async () => {
    await browser?.close();
  });

  it('the waiting page and the new-session form, sent with the keyboard, opening the session', async () => {
    const { silta } = sites(t);
    const link = placeSession(t);
    const learnerLt = await openLink(t, link, 'trainee', { locale: 'en' });
    await page.goto(`${silta}/sessions/start?lt=${learnerLt}`);
    assert.equal(await langOf(page), 'en');
    await expectAccessible(page, 'the not-started page');

    const teacherLt = await openLink(t, link, 'teacher', { locale: 'sv' });
    await page.goto(`${silta}/sessions/new?lt=${teacherLt}`);
    assert.equal(await langOf(page), 'sv');
    await expectAccessible(page, 'the new-session form');
    assert.equal(await horizontalOverflow(page), 0, 'fits 360 px');

    // Filled in and sent with the keyboard's Enter from the title field.
    await page.getByLabel('Rubrik').fill('Servicekedjan i Österbotten');
    await page.getByLabel('Framtidsverkstad').check();
    await page.getByLabel('Rubrik').press('Enter');
    await page.waitForURL(/\/sessions\/\d+\?lt=/);
    const id = Number(/\/sessions\/(\d+)/.exec(page.url())![1]);
    assert.equal(await startSession(t, teacherLt), id, 'the link’s session');
    // The page the browser client takes over: it finds the session and the launch token here.
    assert.equal(await page.locator('[data-session-id]').getAttribute('data-session-id'), String(id));
    assert.equal(await page.locator('[data-session-id]').getAttribute('data-lt'), teacherLt);
  });
});
