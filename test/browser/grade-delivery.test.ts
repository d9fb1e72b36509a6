import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { platformDelivery } from '../../server/domain/grades/platform-health.service';
import { translator } from '../../server/i18n';
import { GradeOutbox, LaunchSession } from '../../server/store/models';
import { clearThrottles, newAdmin } from '../admin/admin-fixtures';
import { resetPlatform, testClock, testWorker } from '../grades/grade-fixtures';
import { expectAccessible, launchBrowser, newCookielessPage, sites, skipWithoutChromium } from '../helpers/browser';
import { launchSession } from '../helpers/launch';
import { attemptOf, rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';

const SLUG = 'occupational-health-in-reform';
const fi = translator('fi');
const en = translator('en');

// Issue 18: what people are told while Moodle does not answer and after it answers again. The
// trainee finishes a module for real; the platform refuses every service call; a worker round
// finds out. The trainee's summary, the teacher's progress view and the admin's grade sync page
// say so (axe clean); after the recovery the same pages say the grade was sent.
describe('Browser: grade delivery during an outage and after it', function () {
  this.timeout(240_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    await clearThrottles();
    browser = await launchBrowser();
    ({ context, page } = await newCookielessPage(browser));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    if (t) await resetPlatform(t);
  });

  /** The visible text of the page's main content, whitespace folded. */
  const mainText = async () => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

  it('tells the trainee "waiting for Moodle", the teacher since when and the next try, the admin the same; then "sent"', async () => {
    const pack = t.packs.get(SLUG)!;
    const link = t.devPlatform.placeGradedLink(
      { courseId: '2', title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    const trainee = await launchSession(t, {
      persona: 'trainee',
      courseId: '2',
      resourceLinkId: link.id,
      locale: 'fi',
    });
    const attempt = await attemptOf(t, trainee.lt);
    for (const step of pack.steps) {
      await t
        .request()
        .post(`/modules/steps/${step.id}`)
        .type('form')
        .send(new URLSearchParams([['lt', trainee.lt], ['attempt', String(attempt)], ...rightAnswer(step)]).toString())
        .expect(303);
    }
    await t.request().post('/modules/complete').type('form').send(`lt=${trainee.lt}&attempt=${attempt}`).expect(303);
    const resourceLinkId = (await LaunchSession.findByPk(trainee.lt))!.resourceLinkId!;

    // Moodle's score service stops answering; the worker's first round finds out.
    t.devPlatform.failNext({ status: 503, times: Infinity });
    const clock = testClock();
    const worker = testWorker(t, [resourceLinkId], { now: clock.now });
    assert.deepEqual(
      (await worker.runOnce()).map((o) => o.status),
      ['pending'],
    );
    const state = await platformDelivery({ issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId });
    assert.equal(state.reachable, false);

    await page.goto(`${sites(t).silta}/modules/summary?lt=${trainee.lt}`);
    assert.ok(
      (await mainText()).includes(fi('grade_delivery.trainee.waiting')),
      'the trainee reads "waiting for Moodle"',
    );
    await expectAccessible(page, 'the trainee summary while Moodle does not answer');

    const teacher = await launchSession(t, {
      persona: 'teacher',
      courseId: '2',
      resourceLinkId: link.id,
      locale: 'fi',
    });
    await page.goto(`${sites(t).silta}/modules/progress?lt=${teacher.lt}`);
    const notice = page.locator('section.grade-delivery');
    await notice.waitFor();
    const noticeText = ((await notice.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.ok(noticeText.includes(fi('grade_delivery.platform.heading')), noticeText);
    // "since 12.34" and "the next try is at 12.35": both times are in the words, in Finnish time.
    const times = noticeText.match(/\d{1,2}\.\d{2}/g) ?? [];
    assert.ok(times.length >= 2, `since when and the next try: ${noticeText}`);
    assert.ok(noticeText.includes('HTTP 503'), 'Moodle’s last answer');
    await expectAccessible(page, 'the teacher view while Moodle does not answer');

    const adminPage = await context.newPage();
    try {
      const admin = await newAdmin(t);
      await adminPage.goto(`${t.baseUrl}/admin/login?lang=en`);
      await adminPage.fill('#username', admin.username);
      await adminPage.fill('#password', admin.password);
      await adminPage.keyboard.press('Enter');
      await adminPage.waitForURL(/\/admin\/platforms/);
      await adminPage.goto(`${t.baseUrl}/admin/grades?lang=en`);
      const row = adminPage.locator('tr', { has: adminPage.locator(`code:text-is("${t.devPlatform.clientId}")`) });
      const cells = (await row.locator('td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
      assert.ok(
        cells.some((c) => c.startsWith(en('grade_delivery.admin.failing'))),
        `"answers: no": ${cells.join(' | ')}`,
      );
      assert.ok(
        cells.filter((c) => /\d{1,2}[.:]\d{2}/.test(c)).length >= 2,
        `failing since and next try: ${cells.join(' | ')}`,
      );
      await expectAccessible(adminPage, 'the admin grade sync page while Moodle does not answer');

      // Moodle answers again: the next probe (at its time) goes through.
      t.devPlatform.auth.clearFailures();
      clock.advance(state.nextTryAt!.getTime() - Date.now() + 1);
      assert.deepEqual(
        (await worker.runOnce()).map((o) => o.status),
        ['sent'],
      );
      assert.equal((await GradeOutbox.findOne({ where: { resourceLinkId } }))!.status, 'sent');

      await adminPage.reload();
      const after = (await row.locator('td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
      assert.ok(after.includes(en('grade_delivery.admin.reachable')), `"answers: yes": ${after.join(' | ')}`);
      await expectAccessible(adminPage, 'the admin grade sync page after the recovery');
    } finally {
      await adminPage.close();
    }

    await page.reload();
    assert.equal(await page.locator('section.grade-delivery').count(), 0, 'no notice once Moodle answers');
    await expectAccessible(page, 'the teacher view after the recovery');

    await page.goto(`${sites(t).silta}/modules/summary?lt=${trainee.lt}`);
    const summary = await mainText();
    assert.ok(summary.includes(fi('grade_delivery.trainee.sent')), 'the trainee reads "sent to Moodle"');
    assert.ok(!summary.includes(fi('grade_delivery.trainee.waiting')));
    await expectAccessible(page, 'the trainee summary after the recovery');
  });
});
