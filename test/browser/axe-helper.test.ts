/**
 * The accessibility check every browser test relies on must itself fail on a violation: in the
 * page, in a frame of the page's origin (the fast single run, decision 0035) and in a frame of
 * another origin (a platform framing Silta).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, launchBrowser, skipWithoutChromium } from '../helpers/browser';

const document = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>axe check</title></head><body>${body}</body></html>`;
/** A page that frames `src`. */
const framing = (src: string) =>
  document(`<main><h1>Check</h1><iframe title="Framed page" src="${src}"></iframe></main>`);

/** An image without a text alternative: axe's `image-alt`, a critical violation. */
const VIOLATION = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">';

const PAGES: Record<string, string> = {
  '/clean': document('<main><h1>Check</h1><p>Nothing wrong here.</p></main>'),
  '/broken': document(`<main><h1>Check</h1>${VIOLATION}</main>`),
  '/framed-clean': framing('/inner-clean'),
  '/framed-broken': framing('/inner-broken'),
  '/inner-clean': document('<p>Nothing wrong here.</p>'),
  '/inner-broken': document(VIOLATION),
};

describe('the accessibility check of the browser tests', function () {
  let browser: Browser;
  let server: http.Server;
  let tab: Page;
  let port: number;

  before(async function () {
    skipWithoutChromium(this);
    server = http.createServer((req, res) => {
      const framedFrom = req.url?.match(/^\/framed-from-other-origin\/(\w+)$/);
      const body = framedFrom ? framing(`http://localhost:${port}/inner-${framedFrom[1]}`) : PAGES[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    browser = await launchBrowser();
    // A page of a context, as in the other browser tests: axe's default run opens a page beside it.
    tab = await (await browser.newContext()).newPage();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const open = (path: string) => tab.goto(`http://127.0.0.1:${port}${path}`);
  const expectViolation = async (label: string) =>
    assert.rejects(expectAccessible(tab, label), (error: Error) => {
      assert.match(error.message, /image-alt/);
      return true;
    });

  it('passes clean pages, framed or not', async () => {
    await open('/clean');
    await expectAccessible(tab, 'a clean page');
    await open('/framed-clean');
    await expectAccessible(tab, 'a clean page in a frame of the same origin');
  });

  it('fails on a violation in the page', async () => {
    await open('/broken');
    await expectViolation('a page with an image without alt text');
  });

  it('fails on a violation inside a frame of the same origin', async () => {
    await open('/framed-broken');
    await expectViolation('a frame with an image without alt text');
  });

  it('passes a clean frame of another origin and fails on a violation inside one', async () => {
    await open('/framed-from-other-origin/clean');
    await tab.frameLocator('iframe').locator('p').waitFor();
    await expectAccessible(tab, 'a clean frame of another origin');
    await open('/framed-from-other-origin/broken');
    await tab.frameLocator('iframe').locator('img').waitFor();
    await expectViolation('a frame of another origin with an image without alt text');
  });
});
