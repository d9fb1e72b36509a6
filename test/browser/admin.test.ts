import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { translator } from '../../server/i18n';
import { clearThrottles, newAdmin } from '../admin/admin-fixtures';
import { expectAccessible, horizontalOverflow, langOf, launchBrowser, skipWithoutChromium } from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

// The admin console in a real browser: a first-party cookie session (SameSite=Strict), keyboard
// login, forms with CSRF tokens, axe on every page, at desktop and phone widths.
describe('Browser: admin console', function () {
  // A real browser and axe on seven pages, on a machine that may be busy.
  this.timeout(240_000);
  let t: TestSilta;
  let browser: Browser;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    // Every test logs in from 127.0.0.1: failures counted by earlier files must not lock it.
    await clearThrottles();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  const logIn = async (page: Page, credentials: { username: string; password: string }) => {
    await page.goto(`${t.baseUrl}/admin`);
    await page.waitForURL(/\/admin\/login$/);
    await expectAccessible(page, 'the login page');
    await page.fill('#username', credentials.username);
    await page.fill('#password', credentials.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/platforms$/);
  };

  it('logs in, issues a registration URL, views grade sync and every page accessibly', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const en = translator('en');
    try {
      await logIn(page, await newAdmin(t));
      assert.equal(await langOf(page), 'en');
      assert.equal(await page.locator('h1').textContent(), en('admin.platforms.title'));
      await expectAccessible(page, 'the platforms page');

      await page.fill('#hours', '3');
      await page.click(`button:has-text("${en('admin.invites.create')}")`);
      const url = (await page.locator('#created-url').textContent()) ?? '';
      assert.match(url, new RegExp(`^${t.baseUrl}/lti/register\\?invite=[\\w-]{43}$`));
      await expectAccessible(page, 'the platforms page with a new registration URL');

      await page.click(`nav.admin-nav >> text=${en('admin.nav.grades')}`);
      await page.waitForURL(/\/admin\/grades$/);
      assert.equal(await page.locator('h1').textContent(), en('admin.grades.title'));
      await expectAccessible(page, 'the grade sync page');

      const pages = {
        '/admin/keys': en('admin.keys.title'),
        '/admin/regions': en('admin.regions.title'),
        '/admin/regions/lappi': en('admin.regions.edit_title', { name: 'Lapland Wellbeing Services County' }),
        '/admin/content': en('admin.content.title'),
        '/admin/platforms/new': en('admin.platforms.new_title'),
      };
      for (const [path, title] of Object.entries(pages)) {
        await page.goto(`${t.baseUrl}${path}`);
        assert.equal(await page.locator('h1').textContent(), title, path);
        await expectAccessible(page, path);
      }

      // The language switch, then a phone-sized screen.
      await page.goto(`${t.baseUrl}/admin/grades`);
      await page.click('.language-switch a[lang="sv"]');
      await page.waitForURL(/lang=sv/);
      assert.equal(await langOf(page), 'sv');
      assert.equal(await page.locator('h1').textContent(), translator('sv')('admin.grades.title'));
      await page.setViewportSize({ width: 360, height: 740 });
      assert.ok((await horizontalOverflow(page)) <= 0, 'no sideways scrolling at 360 px');
      await expectAccessible(page, 'the grade sync page in Swedish at 360 px');

      await page.click(`button:has-text("${translator('sv')('admin.logout')}")`);
      await page.waitForURL(/\/admin\/login$/);
      await page.goto(`${t.baseUrl}/admin/grades`);
      await page.waitForURL(/\/admin\/login$/);
    } finally {
      await context.close();
    }
  });

  it('shows a failed login in the page, announced to screen readers', async () => {
    const context = await browser.newContext({ locale: 'fi-FI' });
    const page = await context.newPage();
    try {
      const credentials = await newAdmin(t);
      await page.goto(`${t.baseUrl}/admin/login`);
      assert.equal(await langOf(page), 'fi');
      await page.fill('#username', credentials.username);
      await page.fill('#password', 'not-the-password');
      await page.click('form button[type="submit"]');
      // The error summary takes focus and is announced; its link leads back to the username field.
      await page.waitForSelector('[role="alert"]');
      const summary = page.locator('[role="alert"]');
      assert.equal(await summary.locator('a').textContent(), translator('fi')('errors.admin_login_failed'));
      assert.equal(await summary.locator('a').getAttribute('href'), '#username');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'alert');
      assert.equal(await page.inputValue('#username'), credentials.username);
      await expectAccessible(page, 'the login page with an error');
    } finally {
      await context.close();
      await clearThrottles();
    }
  });
});
