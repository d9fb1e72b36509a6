import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { publishVersion } from '../../server/domain/modules/versions/module-versions.service';
import { ModuleDraft, ModuleRecord } from '../../server/store/module-version-models';
import { translator } from '../../server/i18n';
import { clearThrottles, newAdmin } from '../admin/admin-fixtures';
import { expectAccessible, horizontalOverflow, launchBrowser, skipWithoutChromium } from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { packSource, uniqueSlug } from '../module-versions/version-fixtures';

// The module editor in a real browser: an admin fixes a Swedish question, sees the live Markdown
// preview, previews the draft in Swedish as a trainee, and publishes; axe on every page.
describe('Browser: module editor', function () {
  this.timeout(240_000);
  let t: TestSilta;
  let browser: Browser;
  const en = translator('en');

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    await clearThrottles();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  const logIn = async (page: Page) => {
    const credentials = await newAdmin(t);
    await page.goto(`${t.baseUrl}/admin/login`);
    await page.fill('#username', credentials.username);
    await page.fill('#password', credentials.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/platforms$/);
  };

  it('edits a question in Swedish, previews it in Swedish and publishes it, accessibly', async () => {
    const slug = uniqueSlug('browser-edit');
    await publishVersion({
      sequelize: t.silta.sequelize,
      slug,
      source: packSource(slug, '1.0.0'),
      origin: 'upload',
      publishedBy: 'test',
    });
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await logIn(page);
      await page.goto(`${t.baseUrl}/admin/content/${slug}`);
      await page.click(`text=${en('module_authoring.module.edit')}`);
      await page.waitForURL(new RegExp(`/admin/content/${slug}/edit$`));
      await expectAccessible(page, 'the module editor');

      // The live preview renders a step text through the server's renderer.
      const markdown = page.locator('#f-md-steps-sv-work-ability-md');
      await markdown.fill('# Arbetsförmåga\n\nEn **ny** text.');
      await page.locator('[data-preview-for="f-md-steps-sv-work-ability-md"] strong', { hasText: 'ny' }).waitFor();

      await page.fill('#f-t-steps-2-questions-0-text-sv', 'Var bedöms Marias arbetsförmåga först?');
      await page.click(`button:has-text("${en('module_authoring.edit.save')}") >> nth=0`);
      await page.waitForURL(/notice=draft_saved/);
      assert.match(
        JSON.parse((await ModuleDraft.findByPk(slug))!.files)['module.yaml'],
        /sv: Var bedöms Marias arbetsförmåga först\?/,
      );
      assert.equal(await page.inputValue('#f-t-steps-2-questions-0-text-sv'), 'Var bedöms Marias arbetsförmåga först?');

      await page.click('a[lang="sv"]:has-text("Swedish")');
      await page.waitForURL(/preview\?in=sv/);
      assert.equal(await page.getAttribute('html', 'lang'), 'sv');
      await page.click('ol.preview-steps >> li >> nth=2 >> a');
      await page.locator('legend', { hasText: 'Var bedöms Marias arbetsförmåga först?' }).waitFor();
      await expectAccessible(page, 'the Swedish preview of a knowledge check');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.goto(`${t.baseUrl}/admin/content/${slug}/edit`);
      await page.click(`button:has-text("${en('module_authoring.edit.publish')}")`);
      await page.waitForURL(new RegExp(`/admin/content/${slug}\\?notice=published$`));
      await expectAccessible(page, 'the module page after publishing');
      assert.equal((await ModuleRecord.findByPk(slug))?.currentVersion, '1.0.1');
      const served = (await t.silta.modules.current(slug))!.steps[2];
      assert.ok(served.kind === 'knowledge-check');
      assert.equal(served.questions[0].text.sv, 'Var bedöms Marias arbetsförmåga först?');

      // The editor at phone width: the three languages stacked, nothing wider than the screen.
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${t.baseUrl}/admin/content/${slug}/edit`);
      assert.equal(await horizontalOverflow(page), 0);
      await expectAccessible(page, 'the module editor on a phone');
    } finally {
      await context.close();
    }
  });
});
