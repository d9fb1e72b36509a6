import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  expectAccessible,
  expectAccessibleWithFrame,
  langOf,
  launchBrowser,
  launchFromPlatform,
  newCookielessPage,
  openPlatform,
  sites,
  skipWithoutChromium,
  tabTo,
  waitForFrame,
  type PlatformLaunch,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

// axe-core on each page a person meets (the embedded and phone suites check theirs too), and the
// deep-linking picker completed with the keyboard alone.
describe('Browser: accessibility (axe-core) and keyboard use', function () {
  // A real browser on a 2-core CI machine: each test launches, renders and runs axe several times.
  this.timeout(60_000);
  let t: TestSilta;
  let browser: Browser;
  let silta: string;
  let platform: string;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    ({ silta, platform } = sites(t));
    browser = await launchBrowser();
  });

  beforeEach(async function () {
    if (!browser) this.skip();
    ({ context, page } = await newCookielessPage(browser));
  });

  afterEach(async () => {
    await context?.close();
  });

  after(async () => {
    await browser?.close();
  });

  it('has no violations on the front page, in each language', async () => {
    for (const lang of ['fi', 'sv', 'en']) {
      await page.goto(`${silta}/?lang=${lang}`);
      assert.equal(await langOf(page), lang);
      await expectAccessible(page, `the front page (${lang})`);
    }
  });

  it('has no violations on an error page: a launch link that is not valid', async () => {
    const response = await page.goto(`${silta}/app?lt=bogus`);
    assert.ok(response && response.status() >= 400, `an error status, got ${response?.status()}`);
    assert.equal(await page.locator('[role="alert"]').count(), 1);
    await expectAccessible(page, 'the error page');
  });

  it('has no violations on the development platform in each language', async () => {
    for (const lang of ['fi', 'sv', 'en']) {
      await openPlatform(page, t, lang);
      assert.equal(await langOf(page), lang);
      await expectAccessible(page, `the development platform (${lang})`);
    }
  });

  const roles: { launch: PlatformLaunch; role: string; label: RegExp }[] = [
    { launch: { persona: 'trainee', locale: 'fi' }, role: 'learner', label: /Opiskelija/ },
    { launch: { persona: 'developer', locale: 'sv' }, role: 'learner', label: /Studerande/ },
    { launch: { persona: 'teacher', locale: 'en' }, role: 'instructor', label: /Teacher/ },
    { launch: { persona: 'admin', locale: 'fi' }, role: 'administrator', label: /Ylläpitäjä|Pääkäyttäjä/ },
  ];
  for (const { launch, role, label } of roles) {
    it(`has no violations on the landing page of the ${launch.persona} (${role}, ${launch.locale}), framed in the course page`, async () => {
      await openPlatform(page, t, 'fi');
      await launchFromPlatform(page, launch);
      const frame = await waitForFrame(page, `${silta}/app?lt=`);
      assert.match((await frame.locator(`.role-${role}`).textContent()) ?? '', label);
      await expectAccessibleWithFrame(page, `the ${launch.persona} landing page in the course page`);
    });
  }

  it('lets a teacher complete the deep-linking picker with the keyboard alone', async () => {
    await openPlatform(page, t, 'fi');
    await launchFromPlatform(page, { persona: 'teacher', locale: 'fi', deepLink: true });
    const picker = await waitForFrame(page, `${silta}/lti/deep-link?lt=`);
    await expectAccessible(page, 'the deep-linking picker in the course page');

    // From the course page, Tab moves into the frame as it does for a keyboard user.
    await tabTo(page, picker, '#item-board');
    assert.equal(await picker.isChecked('#item-board'), false);
    await page.keyboard.press('Space');
    assert.equal(await picker.isChecked('#item-board'), true);
    await tabTo(page, picker, '#title-board');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Hyvät käytännöt');
    // The module stays chosen (it is preselected); Enter on the submit button sends the form.
    await tabTo(page, picker, 'button[type="submit"]');
    await page.keyboard.press('Enter');

    const placed = await waitForFrame(page, `${platform}/dev/platform/deep-link-return`);
    await placed.locator('li').first().waitFor();
    const titles = await placed.locator('li').allTextContents();
    assert.equal(titles.length, 2, titles.join(' | '));
    // The first catalogue entry is preselected: the first module, titled in Finnish.
    assert.equal(titles[0].split(' — ')[0], [...t.packs.values()][0].title.fi);
    assert.equal(titles[1], 'Hyvät käytännöt');
    await expectAccessible(page, 'the platform\'s "placed" page in the course page');
  });
});
