import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createInvite } from '../../lti/registration';
import {
  expectAccessible,
  horizontalOverflow,
  launchBrowser,
  newCookielessPage,
  sites,
  skipWithoutChromium,
  waitForFrame,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

// Moodle opens the tool's registration URL in a dialog on its own site: Silta's result page must
// render there, run its script under the CSP and close the dialog. (The development platform is
// registered already, so framing by a platform Silta does not know yet is checked over HTTP in
// test/lti/registration.test.ts.)
describe('Browser: dynamic registration in the platform dialog', function () {
  // A real browser, and ltijs generates a 4096-bit key pair for the registered platform.
  this.timeout(90_000);
  let t: TestSilta;
  let browser: Browser;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  it('registers from the Manage tools page, then the Finish button closes the dialog', async () => {
    const { silta, platform } = sites(t);
    const invite = await createInvite(t.env.publicUrl);
    const { context, page } = await newCookielessPage(browser, { locale: 'en-GB' });
    try {
      await page.goto(`${platform}/dev/platform/registration?lang=en`);
      await page.fill('#tool-url', invite.url);
      await page.click('form.card button[type="submit"]');

      const frame = await waitForFrame(page, `${silta}/lti/register?invite=`, 30_000);
      await frame.waitForSelector('h1');
      assert.equal(await frame.locator('h1').textContent(), 'Silta is registered');
      await expectAccessible(page, 'the registration dialog with the result page');

      const clientId = (await frame.locator('dd code').nth(1).textContent()) ?? '';
      assert.ok(t.devPlatform.client(clientId), 'the platform knows the client id shown');

      await frame.click('#registration-finish');
      await page.waitForURL(/closed=1/);
      assert.match((await page.locator('[role="status"]').textContent()) ?? '', /closed the dialog/);
      assert.ok((await page.locator('table').textContent())?.includes(clientId));
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen in Finnish', async () => {
    const invite = await createInvite(t.env.publicUrl);
    const { context, page } = await newCookielessPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      // The result page opened on its own (not framed), as when an admin opens the URL directly.
      await page.goto(
        `${invite.url}&lang=fi&openid_configuration=${encodeURIComponent(`${t.devPlatform.issuer}/registration/openid-configuration`)}&registration_token=${t.devPlatform.issueRegistrationToken()}`,
      );
      assert.equal(await page.locator('h1').textContent(), 'Silta on rekisteröity');
      assert.equal(await horizontalOverflow(page), 0);
      await expectAccessible(page, 'the registration result page at 360 px');
      // Without a platform window to tell, the page says the window can be closed.
      await page.click('#registration-finish');
      await page.locator('#registration-close-hint').waitFor({ state: 'visible' });
    } finally {
      await context.close();
    }
  });
});
