import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  expectAccessible,
  horizontalOverflow,
  launchBrowser,
  newCookielessPage,
  skipWithoutChromium,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { newAdmin } from '../admin/admin-fixtures';
import { seedReports, YEAR } from '../admin/reports-fixtures';

// An admin logs in with a real browser, looks at every report (axe on each, chart and table
// there, nothing wider than a phone), and exports a person's data from the personal-data pages.
describe('Browser: admin reports and personal data', function () {
  this.timeout(120_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let credentials: { username: string; password: string };

  before(async function () {
    skipWithoutChromium(this);
    this.timeout(240_000);
    t = await testSilta();
    await seedReports(t);
    credentials = await newAdmin(t);
    browser = await launchBrowser();
  });

  beforeEach(async function () {
    if (!browser) this.skip();
    ({ context, page } = await newCookielessPage(browser, { locale: 'en-GB', acceptDownloads: true }));
    await page.goto(`${t.baseUrl}/admin/login`);
    await page.getByLabel('Username').fill(credentials.username);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/admin\/platforms/);
  });

  afterEach(async () => {
    await context?.close();
  });

  after(async () => {
    await browser?.close();
  });

  it('shows each report with an SVG chart and its table, accessible, and usable 360 px wide', async () => {
    await page.getByRole('link', { name: 'Reports' }).first().click();
    await page.waitForURL(/\/admin\/reports\/completions/);
    await page.getByLabel('From month').fill(YEAR.from);
    await page.getByLabel('To month').fill(YEAR.to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2019-01/);
    for (const [report, chart] of [
      ['completions', 'by-region'],
      ['board', 'adoptions'],
      ['sessions', 'participation'],
    ] as const) {
      if (report !== 'completions')
        await page.getByRole('link', { name: report === 'board' ? 'Board activity' : 'Session participation' }).click();
      await page.waitForURL(new RegExp(`/admin/reports/${report}\\?from=2019-01`));
      const svg = page.locator(`svg#chart-${chart}[role="img"]`);
      assert.equal(await svg.count(), 1, `${report}: the chart`);
      assert.ok((await svg.boundingBox())!.height > 50, `${report}: the chart is drawn`);
      assert.ok(
        await page.getByRole('table', { name: await page.locator(`#${chart}-caption`).innerText() }).isVisible(),
        `${report}: the table`,
      );
      await expectAccessible(page, `the ${report} report`);
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(
        await horizontalOverflow(page),
        0,
        `${report}: charts and tables scroll in their own boxes at 360 px`,
      );
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('finds a person, exports their data and opens the erasure confirmation', async () => {
    await page.getByRole('link', { name: 'Personal data' }).click();
    await page.getByLabel('Part of a name or email address').fill('korhonen');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectAccessible(page, 'the people search');
    await page
      .getByRole('link', { name: /^Person \d+$/ })
      .first()
      .click();
    await page.waitForURL(/\/admin\/people\/\d+$/);
    const userId = Number(/\/admin\/people\/(\d+)/.exec(page.url())![1]);
    await expectAccessible(page, 'a person');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `silta-user-${userId}.json`);
    const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
      userId: number;
      data: { account: { user: { familyName: string } } };
    };
    assert.equal(exported.userId, userId);
    assert.equal(exported.data.account.user.familyName, 'Korhonen');
    await page.getByRole('link', { name: 'Erase this person…' }).click();
    assert.ok(await page.getByLabel(/Keep them under/).isChecked(), 'keeping the posts is the default');
    await expectAccessible(page, 'the erasure confirmation');
  });
});
