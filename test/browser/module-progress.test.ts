import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GradeOutbox, LaunchSession, User } from '../../server/store/models';
import {
  expectAccessible,
  horizontalOverflow,
  launchBrowser,
  newCookielessPage,
  sites,
  skipWithoutChromium,
} from '../helpers/browser';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

const SLUG = 'client-participation';

// The teacher view on a 360 px phone: no violations, the page itself does not scroll sideways,
// the wide table scrolls inside its labelled region, and "send again" works from the keyboard.
describe('Browser: the teacher view of a module on a phone', function () {
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
    ({ context, page } = await newCookielessPage(browser, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    }));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it('is accessible at 360 px, scrolls the table in its region, and sends a failed grade again', async () => {
    const link = t.devPlatform.placeLink({
      courseId: '3',
      title: 'Asiakasosallisuus',
      custom: { target: 'module', module: SLUG },
    });
    const trainee = await launchSession(t, {
      persona: 'trainee',
      courseId: '3',
      resourceLinkId: link.id,
      locale: 'fi',
    });
    const session = (await LaunchSession.findByPk(trainee.lt))!;
    const user = (await User.findByPk(session.userId))!;
    const row = await GradeOutbox.create({
      issuer: t.devPlatform.issuer,
      clientId: t.devPlatform.clientId,
      resourceLinkId: session.resourceLinkId!,
      userId: user.id,
      attemptId: null,
      lineItemUrl: null,
      lineitemsUrl: null,
      scoreGiven: 8,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: new Date().toISOString(),
      status: 'failed',
      tries: 1,
      nextAttemptAt: new Date(),
      lastError: 'HTTP 400: User is not enrolled with a graded role in this course',
      lastErrorCode: 'platform_rejected',
      sentAt: null,
    });
    const { lt } = await launchSession(t, { persona: 'teacher', courseId: '3', resourceLinkId: link.id, locale: 'fi' });

    await page.goto(`${sites(t).silta}/modules/progress?lt=${lt}`);
    await expectAccessible(page, 'the teacher view');
    assert.equal(await horizontalOverflow(page), 0, 'the page does not scroll sideways');
    const region = page.getByRole('region', { name: /Opiskelijat/ });
    const widths = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(widths.scroll > widths.client, 'the table scrolls inside its region');

    await page.getByRole('button', { name: 'Lähetä uudelleen: Aino Virtanen', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/retried=1/);
    assert.equal((await row.reload()).status, 'pending');
    await expectAccessible(page, 'the teacher view after sending again');
  });
});
