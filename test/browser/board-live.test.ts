import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { regionName } from '../../server/domain/regions/region.service';
import { translator } from '../../server/i18n';
import { Region } from '../../server/store/models';
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

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Two people on the same board in two browsers: what one shares appears in the other's list
// without reloading, and a screen reader hears it once, politely, in the reader's language.
describe('Browser: the live board and the spread view', function () {
  this.timeout(90_000);
  let t: TestSilta;
  let browser: Browser;
  let silta: string;
  const contexts: BrowserContext[] = [];
  const board = `live-browser-${Date.now()}`;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    ({ silta } = sites(t));
    browser = await launchBrowser();
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

  /** Opens a board page and waits until it follows the board live. */
  async function openLive(page: Page, path: string): Promise<void> {
    await page.goto(`${silta}${path}`);
    await page.locator('#board-live[data-state="live"]').waitFor({ state: 'attached' });
  }

  it("shows a practice posted in one browser live in the other, announced in the reader's language", async () => {
    const sharer = await openBoard(t, placeBoard(t, { region: 'pirkanmaa', board }), 'developer', { locale: 'fi' });
    const reader = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala', board }), 'trainee', { locale: 'en' });
    const older = await createPractice(t, reader, { title: 'Aiempi käytäntö', region: 'pohjois-karjala' });

    const readerPage = await pageFor();
    await openLive(readerPage, `/board?lt=${reader}`);
    assert.equal(await readerPage.locator('#board-live').getAttribute('aria-live'), 'polite');
    assert.equal(await readerPage.locator('[aria-live]').count(), 1, 'one live region');
    await expectAccessible(readerPage, 'the live board (reader)');

    const sharerPage = await pageFor();
    await sharerPage.goto(`${silta}/board/new?lt=${sharer}`);
    await expectAccessible(sharerPage, 'the practice form (sharer)');
    const title = 'Työkykykoordinaattori <b>livenä</b>';
    await sharerPage.fill('input[name="title"]', title);
    await sharerPage.fill('textarea[name="summary"]', 'Yksi yhteyshenkilö kokoaa tuen.');
    await sharerPage.fill('textarea[name="need"]', 'Asiakkaat putosivat palvelujen väliin.');
    await sharerPage.fill('textarea[name="whatWasDone"]', 'Koordinaattori ja yhteinen suunnitelma.');
    await sharerPage.locator('form button[type="submit"]').last().click();
    await sharerPage.waitForURL(/\/board\/practices\/\d+\?lt=/);
    await expectAccessible(sharerPage, 'the new practice page (sharer)');

    // The card appears at the top of the reader's list, its title as text, not markup.
    const first = readerPage.locator('[data-live="practices"] > li').first();
    await first.locator('h3 a', { hasText: title }).waitFor();
    assert.equal(await first.locator('h3 a').textContent(), title);
    assert.equal(await readerPage.locator('[data-live="practices"] b').count(), 0, 'no markup from the title');
    assert.match(
      (await first.locator('h3 a').getAttribute('href')) ?? '',
      new RegExp(`^/board/practices/\\d+\\?lt=${reader}$`),
    );
    assert.equal(await readerPage.locator(`[data-practice-id="${older}"]`).count(), 1, 'the older card stays');
    const region = regionName((await Region.findByPk('pirkanmaa'))!, 'en');
    assert.equal(
      await readerPage.locator('#board-live').textContent(),
      translator('en')('board.live.practice_created', { region, title }),
    );
    await expectAccessible(readerPage, 'the live board after a live update (reader)');

    // A comment on the practice page appears there live too, its Markdown formatted as after a
    // reload, and the HTML typed into it shown as text, never run.
    await first.locator('h3 a').click();
    await readerPage.waitForURL(/\/board\/practices\/\d+\?lt=/);
    await readerPage.locator('#board-live[data-state="live"]').waitFor({ state: 'attached' });
    await sharerPage.fill(
      '#comment-body',
      'Kysykää lisää <i>meiltä</i>, **tärkeää**: <img src=x onerror="window.pwned=1">\n\n- yksi\n- kaksi',
    );
    await Promise.all([
      sharerPage.waitForNavigation(),
      sharerPage.locator('#comments form button[type="submit"]').last().click(),
    ]);
    assert.match(
      sharerPage.url(),
      /#comment-\d+$/,
      `the comment was posted: ${sharerPage.url()} ${(await sharerPage.locator('main').textContent())?.slice(0, 300)}`,
    );
    const commentId = /#(comment-\d+)$/.exec(sharerPage.url())![1];
    const comment = readerPage.locator('[data-live="comments"] article', { hasText: 'Kysykää lisää <i>meiltä</i>' });
    await comment.waitFor();
    assert.equal(await comment.locator(':scope > .prose strong').textContent(), 'tärkeää');
    assert.deepEqual(await comment.locator(':scope > .prose ul > li').allTextContents(), ['yksi', 'kaksi']);
    assert.equal(
      await readerPage.locator('[data-live="comments"] i, [data-live="comments"] img').count(),
      0,
      'no markup typed into the comment',
    );
    assert.equal(
      await readerPage.evaluate(() => (window as unknown as { pwned?: number }).pwned),
      undefined,
      'nothing typed into the comment ran',
    );
    assert.equal(await readerPage.locator('[data-live="no-comments"]').count(), 0);
    await expectAccessible(readerPage, 'the practice page after a live comment (reader)');

    // The same element as after a reload (the CSS and later live events rely on its shape).
    const shape = () =>
      readerPage.locator(`#${commentId}`).evaluate((article) => ({
        classes: article.className,
        label: article.getAttribute('aria-label'),
        byline: article.querySelector(':scope > p.muted.small')?.textContent,
        prose: article.querySelector(':scope > .prose')?.className,
        html: article.querySelector(':scope > .prose')?.innerHTML,
      }));
    const live = await shape();
    await readerPage.reload();
    assert.deepEqual(await shape(), live);
  });

  it('shows the count of new practices with a link when the list is filtered', async () => {
    const sharer = await openBoard(t, placeBoard(t, { region: 'pirkanmaa', board }), 'developer');
    const reader = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala', board }), 'trainee', { locale: 'sv' });
    const page = await pageFor();
    await openLive(page, `/board?lt=${reader}&theme=youth`);
    await createPractice(t, sharer, { title: 'Suodattimen ohi', region: 'pirkanmaa', themes: ['mental-health'] });
    await createPractice(t, sharer, {
      title: 'Toinen suodattimen ohi',
      region: 'pirkanmaa',
      themes: ['mental-health'],
    });
    const pending = page.locator('[data-live="pending"]');
    await page.locator('[data-live="pending-count"]', { hasText: '2' }).waitFor();
    assert.ok(await pending.isVisible());
    assert.equal(await pending.locator('a').getAttribute('href'), `/board?lt=${reader}`);
    assert.equal(await page.locator('[data-live="practices"] li').count(), 0, 'nothing inserted into a filtered list');
    await expectAccessible(page, 'the filtered board with new practices waiting');
  });

  it('shows the spread view accessibly, on a 360 px phone without sideways scrolling of the page', async () => {
    const sharer = await openBoard(t, placeBoard(t, { region: 'pirkanmaa', board }), 'developer');
    const adopter = await openBoard(t, placeBoard(t, { region: 'pohjois-karjala', board }), 'trainee');
    const id = await createPractice(t, sharer, { region: 'pirkanmaa' });
    await t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .send(form(adopter, { note: '' }))
      .expect(303);

    const desktop = await pageFor();
    await desktop.goto(`${silta}/board/spread?lt=${adopter}`);
    assert.equal(await desktop.locator('svg[role="img"]').count(), 1);
    await expectAccessible(desktop, 'the spread view');

    const phone = await pageFor(PHONE);
    await phone.goto(`${silta}/board/spread?lt=${adopter}`);
    assert.equal(await horizontalOverflow(phone), 0, 'the page does not scroll sideways');
    // The matrix keeps readable labels and scrolls inside its own box; the map scales to the phone.
    const boxWidth = await phone.locator('.spread-matrix-box').evaluate((box) => box.getBoundingClientRect().width);
    assert.ok(boxWidth <= 360, `the matrix box fits (${boxWidth} px)`);
    const mapWidth = await phone.locator('svg.spread-map').evaluate((svg) => svg.getBoundingClientRect().width);
    assert.ok(mapWidth <= 360, `the map scales down (${mapWidth} px)`);
    await expectAccessible(phone, 'the spread view at 360 px');
  });
});
