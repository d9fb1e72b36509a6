import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import type { PackStep } from '../../server/domain/modules/content-pack';
import { textLength } from '../../server/domain/modules/assessment/text-length';
import { GradeOutbox } from '../../server/store/models';
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
  waitForFrame,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const SLUG = 'client-participation';

/** Answers a step in the page as a trainee would: ticks the right options, writes, ticks the list. */
async function answer(frame: Frame, step: PackStep): Promise<void> {
  if (step.kind === 'knowledge-check') {
    for (const q of step.questions)
      for (const o of q.options.filter((x) => x.correct)) await frame.check(`#q-${q.id}-${o.id}`);
  } else if (step.kind === 'reflection') {
    // Too short by one character as a reader counts them, though long enough in code points: the
    // browser's counter refuses it in place just as the server would.
    const min = step.minLength;
    await frame.fill('#reflection-text', 'e\u0301'.repeat(min - 1));
    assert.ok((await frame.textContent('#reflection-count'))?.startsWith(`${min - 1} `));
    await frame.click('form.card button[type="submit"]');
    await frame.waitForSelector('#reflection-error');
    assert.equal(await frame.getAttribute('#reflection-text', 'aria-invalid'), 'true');
    const text =
      'Asiakkaan osallisuus vahvistuu, kun hän on mukana suunnittelemassa omaa palvelupolkuaan alusta asti. '.repeat(4);
    await frame.fill('#reflection-text', text);
    assert.ok((await frame.textContent('#reflection-count'))?.startsWith(`${textLength(text)} `));
  } else if (step.kind === 'checklist') {
    for (const item of step.items) await frame.check(`#item-${item.id}`);
  }
}

// A trainee on a phone, inside the course page's iframe, with third-party cookies blocked.
describe('Browser: a trainee takes a module on a phone', function () {
  this.timeout(300_000);
  let t: TestSilta;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
    ({ context, page } = await newCookielessPage(browser, PHONE));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it('works through every step, is told in place what an empty check lacks, finishes, reviews the answers, and the grade is queued for Moodle', async () => {
    const pack = t.packs.get(SLUG)!;
    const link = t.devPlatform.placeGradedLink(
      { courseId: '2', title: pack.title.fi, custom: { target: 'module', module: SLUG } },
      { scoreMaximum: pack.scoreMaximum },
    );
    await openPlatform(page, t, 'fi');
    await page.check(`#link-${link.id}`);
    await launchFromPlatform(page, { persona: 'trainee', locale: 'fi' });
    const { silta } = sites(t);
    let frame = await waitForFrame(page, `${silta}/modules?lt=`);
    assert.equal(await langOf(frame), 'fi');
    assert.ok((await frame.textContent('h1'))?.includes(pack.title.fi));
    assert.equal(await horizontalOverflow(frame), 0, 'the overview fits 360 px');
    await expectAccessible(page, 'module overview at 360 px');

    await frame.click('a.button');
    let triedEmpty = false;
    for (const [index, step] of pack.steps.entries()) {
      frame = await waitForFrame(page, `${silta}/modules/steps/${step.id}`);
      await frame.waitForSelector('h1');
      assert.equal(await horizontalOverflow(frame), 0, `${step.id} fits 360 px`);
      if (index < 3 || step.kind !== 'reading') await expectAccessible(page, `step ${step.id}`);
      if (step.kind === 'knowledge-check' && !triedEmpty) {
        // An empty check is refused in place: a summary linking to each question, reachable by keyboard.
        triedEmpty = true;
        await frame.focus('form.card button[type="submit"]');
        await page.keyboard.press('Enter');
        await frame.waitForSelector('.error-summary');
        assert.equal(await frame.locator('.error-summary a').count(), step.questions.length);
        assert.equal(await frame.locator('.field-error').count(), step.questions.length);
        assert.equal(await frame.locator('.feedback').count(), 0, 'nothing revealed');
        await expectAccessible(page, `refused ${step.id}`);
        assert.equal(await horizontalOverflow(frame), 0);
        await frame.focus('.error-summary a');
        await page.keyboard.press('Enter');
        await frame.waitForFunction((id) => location.hash.startsWith(`#q-${id}-`), step.questions[0].id);
      }
      await answer(frame, step);
      // Submit with the keyboard: focus the form's main button and press Enter.
      await frame.focus('form.card button[type="submit"]');
      await page.keyboard.press('Enter');
      // Deferred (the module's default): saved and on to the next step, no feedback before finishing.
      if (index === pack.steps.length - 1)
        frame = await waitForFrame(page, `${silta}/modules/steps/${step.id}?saved=1`);
    }
    await frame.click('form[action="/modules/complete"] button');
    frame = await waitForFrame(page, `${silta}/modules/summary`);
    await frame.waitForSelector('.score');
    assert.match((await frame.textContent('.score')) ?? '', /100/);
    await expectAccessible(page, 'module summary');
    assert.equal(await horizontalOverflow(frame), 0);

    // The review of the finished attempt: every option marked, with feedback; keyboard and 360 px.
    await frame.focus('a[href^="/modules/review"]');
    await page.keyboard.press('Enter');
    frame = await waitForFrame(page, `${silta}/modules/review`);
    await frame.waitForSelector('.review-options');
    assert.ok((await frame.locator('.feedback.is-correct').count()) > 0);
    await expectAccessible(page, 'review of the answers at 360 px');
    assert.equal(await horizontalOverflow(frame), 0, 'the review fits 360 px');
    await page.screenshot({ path: '/tmp/i12-review-360.png', fullPage: true });
    await frame.focus('a[href^="/modules/summary"]');
    await page.keyboard.press('Enter');
    await waitForFrame(page, `${silta}/modules/summary`);
    assert.equal(
      (await GradeOutbox.count({ where: { gradingProgress: 'FullyGraded', scoreGiven: pack.scoreMaximum } })) >= 1,
      true,
    );
  });
});
