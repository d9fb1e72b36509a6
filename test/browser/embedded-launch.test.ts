import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
  expectAccessible,
  expectAccessibleWithFrame,
  langOf,
  launchAllowingThirdPartyCookies,
  launchBrowser,
  launchFromPlatform,
  newCookielessPage,
  openPlatform,
  setCookieFrom,
  sites,
  skipWithoutChromium,
  waitForFrame,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

// Moodle embeds a tool from another site; browsers that refuse third-party cookies (Safari,
// Firefox strict, Chrome incognito) must still get a working Silta inside the course page.
describe('Browser: launch from the platform, embedded cross-site without third-party cookies', function () {
  // A real browser on a 2-core CI machine: each test launches, renders and runs axe several times.
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  let silta: string;
  let platform: string;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    ({ silta, platform } = sites(t));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  it('runs Silta and the development platform on two different sites', () => {
    assert.equal(new URL(silta).hostname, 'localhost');
    assert.equal(new URL(platform).hostname, '127.0.0.1');
    assert.notEqual(silta, platform);
  });

  it('shows a trainee the Finnish landing page inside the iframe while third-party cookies are refused', async () => {
    const { context, page } = await newCookielessPage(browser);
    try {
      await openPlatform(page, t, 'fi');
      await expectAccessible(page, 'the development platform (fi)');
      await launchFromPlatform(page, { persona: 'trainee', locale: 'fi' });

      const frame = await waitForFrame(page, `${silta}/app?lt=`);
      assert.equal(new URL(page.url()).origin, platform, 'the course page stays on the platform site');
      assert.equal(await frame.locator('h1').textContent(), 'Tervetuloa, Aino Virtanen');
      assert.equal(await langOf(frame), 'fi');
      // Reloading the framed page (Moodle's iframe keeps its own history entry) fetches the page again.
      const reloaded = page.waitForRequest((request) => request.frame() === frame && request.isNavigationRequest());
      await frame.evaluate(() => location.reload());
      assert.equal((await reloaded).method(), 'GET');
      await frame.waitForLoadState();
      assert.equal(await frame.locator('h1').textContent(), 'Tervetuloa, Aino Virtanen');

      // Proof that the browser refuses Silta's cookies in the frame: one set there is not kept...
      assert.doesNotMatch(await setCookieFrom(frame, 'framed_probe'), /framed_probe/);
      assert.deepEqual(
        (await context.cookies(silta)).map((c) => c.name),
        [],
      );
      // ...while the same cookie set by a first-party Silta page in this browser is.
      const firstParty = await context.newPage();
      await firstParty.goto(`${silta}/`);
      assert.match(await setCookieFrom(firstParty.mainFrame(), 'first_party_probe'), /first_party_probe=1/);
      await firstParty.close();

      await expectAccessibleWithFrame(page, 'the course page with the trainee landing page in its iframe');
    } finally {
      await context.close();
    }
  });

  it('the cookie probe does see a framed cookie when the browser allows third-party cookies', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-chromium-'));
    const context = await launchAllowingThirdPartyCookies(profile);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await openPlatform(page, t, 'fi');
      await launchFromPlatform(page, { persona: 'trainee', locale: 'fi' });
      const frame = await waitForFrame(page, `${silta}/app?lt=`);
      assert.match(await setCookieFrom(frame, 'framed_probe'), /framed_probe=1/);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it('shows a teacher the Swedish landing page and lets them place a module through deep linking, all inside the iframe', async () => {
    const { context, page } = await newCookielessPage(browser, { locale: 'sv-FI' });
    try {
      await openPlatform(page, t, 'sv');
      await launchFromPlatform(page, { persona: 'teacher', locale: 'sv' });
      const landing = await waitForFrame(page, `${silta}/app?lt=`);
      assert.match((await landing.locator('h1').textContent()) ?? '', /^Välkommen, /);
      assert.equal(await langOf(landing), 'sv');
      assert.match((await landing.locator('.role').textContent()) ?? '', /Lärare/);
      await expectAccessible(page, 'the course page with the teacher landing page in its iframe');

      await openPlatform(page, t, 'sv');
      await launchFromPlatform(page, { persona: 'teacher', locale: 'sv', deepLink: true });
      const picker = await waitForFrame(page, `${silta}/lti/deep-link?lt=`);
      assert.equal(await langOf(picker), 'sv');
      await expectAccessible(page, 'the course page with the deep-linking picker in its iframe');

      for (const item of await picker.locator('input[name="items"]').all()) {
        if ((await item.getAttribute('id')) === 'item-module-work-ability-service-chain') await item.check();
        else if (await item.isChecked()) await item.uncheck();
      }
      await picker.fill('#title-module-work-ability-service-chain', 'Modul 1: Arbetsförmåga');
      await picker.click('form button[type="submit"]');

      const placed = await waitForFrame(page, `${platform}/dev/platform/deep-link-return`);
      await placed.locator('li').first().waitFor();
      assert.deepEqual(await placed.locator('li').allTextContents(), ['Modul 1: Arbetsförmåga — bedöms']);
      await expectAccessible(page, 'the course page with the platform\'s "placed" page in its iframe');
    } finally {
      await context.close();
    }
  });

  it('opens Silta in a new window when the platform asks for one', async () => {
    const { context, page } = await newCookielessPage(browser);
    try {
      await openPlatform(page, t, 'fi');
      const popupPromise = context.waitForEvent('page');
      await launchFromPlatform(page, { persona: 'trainee', locale: 'en', newWindow: true });
      const popup = await popupPromise;
      await popup.waitForURL(`${silta}/app?lt=*`);
      assert.equal(await popup.locator('h1').textContent(), 'Welcome, Aino Virtanen');
      assert.equal(await langOf(popup), 'en');
      await expectAccessible(popup, 'the landing page in a new window');
      await expectAccessible(page, 'the platform page left behind by a new-window launch');

      // The landing page was the answer to the launch POST: reloading it fetches its GET address
      // instead of posting the single-use id_token again (which would be refused).
      const requests: string[] = [];
      popup.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
      await popup.reload();
      assert.equal(requests[0], 'GET /app');
      assert.equal(await popup.locator('h1').textContent(), 'Welcome, Aino Virtanen');
    } finally {
      await context.close();
    }
  });
});
