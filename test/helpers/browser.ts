import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Frame,
  type Locator,
  type Page,
} from 'playwright-core';
import type { TestSilta } from './test-app';

/** Debian's chromium; CI installs it with apt. Playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let warned = false;

/**
 * Skips the calling suite (from its `before` hook) when chromium is not installed, so `npm test`
 * still runs for a developer without it. Says once why, with the command that fixes it.
 */
export function skipWithoutChromium(context: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM_PATH)) return;
  if (!warned) {
    console.warn(`      browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
    warned = true;
  }
  context.skip();
}

/** Starts headless chromium; one per test file, closed in `after()`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A browser whose profile allows third-party cookies: the control that shows the cookie probe works. */
export function launchAllowingThirdPartyCookies(profileDir: string): Promise<BrowserContext> {
  // cookie_controls_mode 0 = allow third-party cookies; the default in this chromium blocks them.
  fs.mkdirSync(`${profileDir}/Default`, { recursive: true });
  fs.writeFileSync(
    `${profileDir}/Default/Preferences`,
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A fresh context and page that refuse third-party cookies, as Safari, Firefox's strict mode and
 * Chrome's incognito do. A new playwright context is off-the-record, where chromium already blocks
 * them by user preference; the CDP cookie controls make that explicit rather than a default.
 */
export async function newCookielessPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'fi-FI', ...options });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });
  return { context, page };
}

/** The origins of Silta (localhost) and of the development platform (127.0.0.1): two sites. */
export function sites(t: TestSilta): { silta: string; platform: string } {
  const platform = new URL(t.devPlatform.issuer);
  return { silta: new URL(t.baseUrl).origin, platform: platform.origin };
}

/**
 * Sets a `SameSite=None; Secure` cookie from the page's script in `frame` and returns what the
 * frame's `document.cookie` reads back: empty where the browser refuses the cookie.
 */
export function setCookieFrom(frame: Frame, name: string): Promise<string> {
  return frame.evaluate((cookieName) => {
    document.cookie = `${cookieName}=1; SameSite=None; Secure; Path=/`;
    return document.cookie;
  }, name);
}

/** Waits until the page has a frame whose URL starts with `prefix`, and returns it. */
export async function waitForFrame(page: Page, prefix: string, timeoutMs = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(prefix));
    if (frame) {
      await frame.waitForLoadState('load');
      return frame;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no frame at ${prefix}; frames: ${page
          .frames()
          .map((f) => f.url())
          .join(', ')}`,
      );
    await page.waitForTimeout(50);
  }
}

/**
 * The element's box once layout has settled after scrolling it into view: cells skipped while off
 * screen (content-visibility: auto, decision 0026) take their real size when first drawn, which
 * can move what is below them a frame later. Fails if it is not on the page.
 */
export async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  await locator.scrollIntoViewIfNeeded();
  let box = await locator.boundingBox();
  for (let i = 0; i < 10; i++) {
    await locator.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await locator.scrollIntoViewIfNeeded();
    const next = await locator.boundingBox();
    if (box && next && next.x === box.x && next.y === box.y && next.height === box.height) return next;
    box = next;
  }
  assert.ok(box, 'the element has a box on the page');
  return box;
}

/** The language of a frame's document (`<html lang>`). */
export function langOf(frame: Page | Frame): Promise<string | null> {
  return frame.locator('html').getAttribute('lang');
}

/** Horizontal overflow of a document: how much wider its content is than its viewport. */
export function horizontalOverflow(frame: Page | Frame): Promise<number> {
  return frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** One readable line per failing node: rule, impact, where, and what axe says to fix. */
export function formatViolations(violations: AxeResults['violations']): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    at ${JSON.stringify(n.target)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

const originOf = (url: string) => (/^https?:/.test(url) ? new URL(url).origin : null);

/** Whether a frame of the page shows a document of another origin (blank and srcdoc frames share the page's). */
function framesAnotherOrigin(page: Page): boolean {
  const own = originOf(page.url());
  return page.frames().some((frame) => {
    const origin = originOf(frame.url());
    return origin !== null && origin !== own;
  });
}

/**
 * Runs axe-core on the page, iframes included, and fails with the violations listed readably.
 * Where every frame is of the page's origin, `axe.run` runs once in the page and reaches the
 * frames through axe's own messaging (`setLegacyMode`): about four times faster than the
 * default, which runs each frame apart and merges the parts in a new blank page. A frame of
 * another origin (a platform framing Silta) is reached only by the default (decision 0035).
 */
async function analyse(page: Page, label: string, everyResult: boolean): Promise<AxeResults> {
  const axe = new AxeBuilder({ page });
  // Only violations fail a test: processing every passing node as well made each run about a third
  // slower (axe's documented `resultTypes`; passes and incomplete then keep one node per rule).
  if (!everyResult) axe.options({ resultTypes: ['violations'] });
  if (!everyResult && !framesAnotherOrigin(page)) axe.setLegacyMode(true);
  const results = await axe.analyze();
  assert.equal(
    results.violations.length,
    0,
    `axe found accessibility violations on ${label} (${page.url()}):\n${formatViolations(results.violations)}`,
  );
  return results;
}

/** Runs axe-core on the page, iframes included, and fails with the violations listed readably. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await analyse(page, label, false);
}

/** Whether axe looked inside an iframe: some rule checked a node whose target is frame-nested. */
function analysedInsideFrame(results: AxeResults): boolean {
  return [...results.passes, ...results.incomplete].some((rule) => rule.nodes.some((n) => n.target.length > 1));
}

/**
 * `expectAccessible` for a page that frames Silta, failing unless axe looked inside the frame too.
 * axe skips a frame that does not answer its injection in time (seen on a machine with a load of
 * 10), so the analysis is run again, at most twice more, before that counts as a failure.
 */
export async function expectAccessibleWithFrame(page: Page, label: string): Promise<AxeResults> {
  // Every passing node, to tell whether any of them was inside the frame.
  let results = await analyse(page, label, true);
  for (let attempt = 1; attempt < 3 && !analysedInsideFrame(results); attempt++)
    results = await analyse(page, label, true);
  assert.ok(analysedInsideFrame(results), `axe analysed the content of the Silta iframe on ${label}`);
  return results;
}

/**
 * Presses Tab until the focused element of `frame` matches `selector` (focus may start in the
 * parent page and move into an iframe, as it does for a keyboard user). Fails after `max` presses.
 */
export async function tabTo(page: Page, frame: Page | Frame, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const there = await frame.evaluate(
      (sel) => document.hasFocus() && !!document.activeElement?.matches(sel),
      selector,
    );
    if (there) return;
  }
  throw new Error(`Tab never reached ${selector} in ${max} presses`);
}

export type PlatformLaunch = {
  persona: 'trainee' | 'developer' | 'teacher' | 'admin';
  /** Moodle's language code: fi, sv, sv_fi, en... */
  locale: string;
  deepLink?: boolean;
  newWindow?: boolean;
};

/** Opens the development platform's course page (on its own site) in `lang`. */
export async function openPlatform(page: Page, t: TestSilta, lang = 'fi'): Promise<void> {
  await page.goto(`${sites(t).platform}/dev/platform/?lang=${lang}`);
}

/** Fills the development platform's launch form as a person would, and submits it. */
export async function launchFromPlatform(page: Page, launch: PlatformLaunch): Promise<void> {
  await page.selectOption('#persona', launch.persona);
  await page.selectOption('#locale', launch.locale);
  await page.check(launch.deepLink ? '#mt-deep' : '#mt-launch');
  await page.check(launch.newWindow ? '#w-window' : '#w-iframe');
  await page.click('form.card button[type="submit"]');
}
