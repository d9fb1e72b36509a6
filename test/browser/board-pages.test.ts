import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DRAFTS_ON_BOARD } from '../../server/domain/board/board.service';
import { translator } from '../../server/i18n';
import { createPractice, form, openBoard, placeBoard } from '../board/board-fixtures';
import {
  expectAccessible,
  horizontalOverflow,
  launchBrowser,
  newCookielessPage,
  sites,
  skipWithoutChromium,
} from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
/** Set SHOTS=dir to keep a screenshot of every page at both widths (for looking at them). */
const SHOTS = process.env.SHOTS;

// The board's pages as a person sees them, on a phone and on a desktop: the card grid, a practice
// page, the spread map (selected by keyboard, announced), the moderation log and your drafts.
describe('Browser: the board at 360 and 1280 px', function () {
  this.timeout(120_000);
  let t: TestSilta;
  let browser: Browser;
  let silta: string;
  const contexts: BrowserContext[] = [];
  const board = `pages-${Date.now()}`;
  let lt: Record<'karelia' | 'pirkanmaa' | 'teacher', string>;
  let swedish: number;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    ({ silta } = sites(t));
    browser = await launchBrowser();
    const link = (region?: string) => placeBoard(t, region ? { region, board } : { board });
    lt = {
      karelia: await openBoard(t, link('pohjois-karjala'), 'developer'),
      pirkanmaa: await openBoard(t, link('pirkanmaa'), 'developer', { locale: 'en' }),
      teacher: await openBoard(t, link(), 'teacher'),
    };
    swedish = await createPractice(t, lt.karelia, {
      title: 'Arbetsförmågekoordinator i Norra Karelen: en kontaktperson för hela servicekedjan',
      summary:
        'En koordinator samlar stödet kring klienten och håller ihop servicekedjan mellan företagshälsovården, Kela och TE-tjänsterna.',
      language: 'sv',
      themes: ['work-ability-support', 'service-chain', 'return-to-work'],
      actors: ['occupational-health', 'kela', 'employment-services'],
    });
    const other = await createPractice(t, lt.pirkanmaa, {
      title: 'Nuorten työkykypolku',
      region: 'pirkanmaa',
      themes: ['youth'],
      actors: ['education'],
    });
    await createPractice(t, lt.karelia, { title: 'Luonnos istunnosta', status: 'draft' });
    await t
      .request()
      .post(`/board/practices/${swedish}/adopt`)
      .type('form')
      .send(form(lt.pirkanmaa, { note: 'Aloitamme syksyllä kahdessa kunnassa.' }))
      .expect(303);
    await t
      .request()
      .post(`/board/practices/${other}/adopt`)
      .type('form')
      .send(form(lt.karelia, { note: '' }))
      .expect(303);
    await t
      .request()
      .post(`/board/practices/${other}/comments`)
      .type('form')
      .send(form(lt.karelia, { body: 'Hyvä malli!' }))
      .expect(303);
    const hidden = await createPractice(t, lt.pirkanmaa, { title: 'Poistettava', region: 'pirkanmaa' });
    await t
      .request()
      .post(`/board/practices/${hidden}/moderate`)
      .type('form')
      .send(form(lt.teacher, { action: 'hide', reason: 'Sisältää henkilötietoja, tarkistetaan kirjoittajan kanssa' }))
      .expect(303);
    if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  after(async () => {
    await browser?.close();
  });

  async function pageFor(options = {}): Promise<Page> {
    const { context, page } = await newCookielessPage(browser, options);
    contexts.push(context);
    return page;
  }

  /** Opens `path` at both widths: no sideways scrolling, no axe violations; `check` runs on each. */
  async function atBothWidths(
    name: string,
    path: string,
    check: (page: Page, phone: boolean) => Promise<void> = async () => {},
  ) {
    for (const [size, options] of [
      ['360', PHONE],
      ['1280', DESKTOP],
    ] as const) {
      const page = await pageFor(options);
      await page.goto(`${silta}${path}`);
      assert.equal(await horizontalOverflow(page), 0, `${name} at ${size} px does not scroll sideways`);
      await expectAccessible(page, `${name} at ${size} px`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
      await check(page, size === '360');
    }
  }

  it('lists practices as cards, search first and filters in a "Filter" disclosure closed on a phone', async () => {
    await atBothWidths('listing', `/board?lt=${lt.karelia}`, async (page, phone) => {
      const search = await page.locator('#f-q').boundingBox();
      const firstCard = await page.locator('[data-live="practices"] > li').first().boundingBox();
      assert.ok(search && firstCard);
      assert.ok(search.y < firstCard.y, 'the search box comes before the practices');
      assert.equal(
        await page.locator('details[data-filters]').evaluate((d) => (d as HTMLDetailsElement).open),
        !phone,
        'filters closed on a phone, open on a desktop',
      );
      if (phone) assert.ok(firstCard.y < 740, `the first practice is on the first screen (${firstCard.y} px)`);
      // The Swedish practice is read in Swedish on a Finnish page.
      assert.equal(await page.locator(`[data-practice-id="${swedish}"] h3 a`).getAttribute('lang'), 'sv');
      const columns = await page
        .locator('[data-live="practices"]')
        .evaluate((ul) => getComputedStyle(ul).gridTemplateColumns.split(' ').length);
      assert.equal(columns, phone ? 1 : 3, 'one column on a phone, three on a desktop');
    });
  });

  it('shows active filters as removable chips', async () => {
    await atBothWidths('listing-filtered', `/board?lt=${lt.karelia}&theme=youth&wave=1`, async (page) => {
      const chips = page.locator('.filter-chips a.chip');
      assert.equal(await chips.count(), 2);
      await chips.first().click();
      await page.waitForURL((url) => !url.searchParams.has('wave'));
      assert.equal(new URL(page.url()).searchParams.get('theme'), 'youth', 'only that filter went');
    });
  });

  it('says next to the search field, and in a summary that takes focus, when a typed search has no word to find', async () => {
    const fi = translator('fi');
    await atBothWidths('search-no-words', `/board?lt=${lt.karelia}`, async (page) => {
      await page.locator('#f-q').focus();
      await page.keyboard.type('-kela');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('q') === '-kela');
      await expectAccessible(page, 'a search with no word to find');
      const message = page.locator('#f-q-error');
      assert.equal(
        (await message.textContent())?.replace(/\s+/g, ' ').trim(),
        `${fi('forms.error_prefix')} ${fi('board.search_no_words')}`,
      );
      assert.equal(await page.locator('#f-q').getAttribute('aria-describedby'), 'f-q-error');
      assert.equal(await page.locator('#f-q').inputValue(), '-kela', 'the typed text stays to be corrected');
      assert.ok(await page.locator('.error-summary').evaluate((e) => e === document.activeElement), 'summary focused');
      const field = await page.locator('#f-q').boundingBox();
      const box = await message.boundingBox();
      assert.ok(
        field && box && box.y < field.y && field.y - (box.y + box.height) < 24,
        'the message is just above the field',
      );
      if (SHOTS)
        await page.screenshot({
          path: `${SHOTS}/search-no-words-typed-${page.viewportSize()?.width}.png`,
          fullPage: true,
        });
      // The summary's link leads to the field.
      await page.locator('.error-summary a').click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-q');
    });
  });

  it('lets a teacher see the whole board without choosing a region', async () => {
    const page = await pageFor(DESKTOP);
    await page.goto(`${silta}/board?lt=${lt.teacher}`);
    assert.match(page.url(), /\/board\?lt=/);
    assert.ok(await page.locator(`[data-practice-id="${swedish}"]`).count());
    assert.equal(await page.locator('.board-nav a.button').getAttribute('href'), `/board/region?lt=${lt.teacher}`);
  });

  it('shows a structured practice page with lang on its own text, a pressed "Useful" and a print view', async () => {
    await atBothWidths('practice', `/board/practices/${swedish}?lt=${lt.pirkanmaa}`, async (page) => {
      assert.equal(await page.locator('h1').getAttribute('lang'), 'sv');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.deepEqual(await page.locator('.practice-main h2').allTextContents(), [
        'The need it answers',
        'What was done',
        'Results and evidence',
        'Regions adopting this',
      ]);
      assert.equal(await page.locator('.timeline > li').count(), 1);
    });
    const page = await pageFor(DESKTOP);
    await page.goto(`${silta}/board/practices/${swedish}?lt=${lt.pirkanmaa}`);
    const useful = page.locator('button.useful');
    assert.equal(await useful.getAttribute('aria-pressed'), 'false');
    const unpressed = await useful.evaluate((b) => getComputedStyle(b).backgroundColor);
    await Promise.all([page.waitForNavigation(), useful.click()]);
    assert.equal(await page.locator('button.useful').getAttribute('aria-pressed'), 'true');
    assert.notEqual(
      await page.locator('button.useful').evaluate((b) => getComputedStyle(b).backgroundColor),
      unpressed,
      'pressed looks different',
    );
    await expectAccessible(page, 'the practice page, marked useful');
    assert.ok(await page.locator('button[data-print]').isVisible(), 'a print button with scripts');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.practice-actions').first().isVisible(), false, 'no buttons on paper');
    assert.equal(await page.locator('.site-header').isVisible(), false);
    assert.ok(await page.locator('.practice-main').isVisible());
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/practice-print.png`, fullPage: true });
  });

  it('draws the spread as a map of Finland; a region selected by keyboard shows its adoptions and is announced', async () => {
    const en = translator('en');
    await atBothWidths('spread', `/board/spread?lt=${lt.pirkanmaa}`, async (page, phone) => {
      assert.equal(await page.locator('.spread-map a[data-region]').count(), 22, '21 counties and Helsinki');
      const map = await page.locator('.spread-map').boundingBox();
      const matrix = await page.locator('.spread-matrix-box').boundingBox();
      assert.ok(map && matrix && map.y < matrix.y, 'the map comes first');
      if (phone) assert.ok(map.y < 300, `the map is near the top on a phone (${map.y})`);
      // No label of the matrix runs out of the picture.
      const clipped = await page.locator('.spread-matrix').evaluate((svg) => {
        const box = (svg as SVGSVGElement).viewBox.baseVal;
        return [...svg.querySelectorAll('text')]
          .filter((text) => {
            const b = (text as SVGTextElement).getBBox();
            return b.x < 0 || b.y < 0 || b.x + b.width > box.width || b.y + b.height > box.height;
          })
          .map((text) => text.textContent);
      });
      assert.deepEqual(clipped, []);
    });

    const page = await pageFor(PHONE);
    await page.goto(`${silta}/board/spread?lt=${lt.pirkanmaa}`);
    await page.locator('.spread-map a[data-region="pirkanmaa"]').focus();
    await page.keyboard.press('Enter');
    const expected = [
      // Its hidden practice is not shared: one shared practice.
      en('board.map.announce_shared', { region: 'Pirkanmaa Wellbeing Services County', count: 1 }),
      en('board.map.announce_to', { count: 1, regions: 'North Karelia Wellbeing Services County' }),
      en('board.map.announce_from', { count: 1, regions: 'North Karelia Wellbeing Services County' }),
    ].join(' ');
    await page.locator('#spread-status', { hasText: expected }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#spread-status').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('a[data-region="pirkanmaa"]').getAttribute('aria-current'), 'true');
    assert.equal(
      await page.evaluate(() => (document.activeElement as Element | null)?.getAttribute('data-region')),
      'pirkanmaa',
      'focus stays on the tile',
    );
    assert.match((await page.locator('a[data-region="pohjois-karjala"]').getAttribute('class')) ?? '', /tile-both/);
    assert.equal(await page.locator('.spread-arrows line').count(), 2);
    assert.match(page.url(), /region=pirkanmaa/);
    await expectAccessible(page, 'the spread map with a region selected');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/spread-selected-360.png`, fullPage: true });
  });

  it('shows the moderation log: who, what, when in Finnish time with its zone, why, a link', async () => {
    await atBothWidths('moderation', `/board/moderation?lt=${lt.teacher}`, async (page) => {
      const row = page.locator('.moderation-log tbody tr').first();
      const cells = await row.locator('td').allTextContents();
      assert.match(cells[0], /(UTC|EET|EEST|GMT)[+\d]*/, `a zone: ${cells[0]}`);
      assert.equal(cells[2].trim(), translator('fi')('board.log.did.hide_practice'));
      assert.match((await row.locator('a').getAttribute('href')) ?? '', /^\/board\/practices\/\d+\?lt=/);
      assert.ok(cells[4].includes('henkilötietoja'));
    });
  });

  it('shows a few of your drafts on the board and every one on their own page, reached by keyboard', async () => {
    // With the session's draft from `before`, one more than the board shows.
    for (let i = 1; i <= DRAFTS_ON_BOARD; i++)
      await createPractice(t, lt.karelia, { title: `Istunnon tulos ${i}`, status: 'draft' });
    const page = await pageFor(DESKTOP);
    await page.goto(`${silta}/board?lt=${lt.karelia}`);
    assert.equal(await page.locator('.board-drafts .practice-card').count(), DRAFTS_ON_BOARD);
    const all = page.getByRole('link', { name: translator('fi')('board.grid.all_drafts') });
    await all.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/board\/drafts\?lt=/);
    assert.equal(await page.locator('h1').textContent(), translator('fi')('board.grid.your_drafts'));
    await atBothWidths('drafts', `/board/drafts?lt=${lt.karelia}`, async (drafts) => {
      assert.equal(await drafts.locator('.practice-card').count(), DRAFTS_ON_BOARD + 1);
    });
  });
});
