import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newCookielessPage, skipWithoutChromium } from '../helpers/browser';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { openLink, placeSession, startSession } from '../sessions/session-fixtures';
import { freePort, startInstance, stopInstance, type Instance } from '../sessions/silta-instance';

const noteWith = (page: Page, text: string) =>
  page.locator('.session-note', { has: page.locator('.session-note-text', { hasText: text }) });
const live = (page: Page, text: RegExp) =>
  page.locator('#session-connection', { hasText: text }).waitFor({ timeout: 60_000 });

/** Adds a note through the cell's add form (the way a person does). */
async function addNote(page: Page, lane: string, column: string, text: string): Promise<void> {
  const cell = page.locator(`.session-cell[data-lane="${lane}"][data-column="${column}"]`);
  await cell.locator('.session-add summary').click();
  await cell.locator('.session-add textarea').fill(text);
  await cell.locator('.session-add button[type="submit"]').click();
}

// Issue 17: a page whose `session:join` was sent to a server that died before answering stayed
// "joining" forever (socket.io-client drops the pending acknowledgement on disconnect). The
// server here is a real process, killed twice: the second time exactly while both pages'
// joins are in flight (the browser's websocket is routed so the join frame is held back, never
// reaching the server). Both pages must come back by themselves, catch up and send what was
// typed meanwhile.
describe('Browser: a live session page is never frozen by server restarts', function () {
  this.timeout(180_000);
  let t: TestSilta;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const instances: Instance[] = [];
  /** While true, every `session:join` frame a page sends is swallowed (counted, never forwarded). */
  let holdJoins = false;
  let heldJoins = 0;

  before(async function () {
    skipWithoutChromium(this);
    t = await testSilta();
    browser = await launchBrowser();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await Promise.all(instances.map((i) => stopInstance(i, 'SIGKILL')));
  });

  async function open(url: string): Promise<Page> {
    const { context, page } = await newCookielessPage(browser, { locale: 'en-GB' });
    contexts.push(context);
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (holdJoins && typeof message === 'string' && message.includes('"session:join"')) {
          heldJoins++;
          return;
        }
        server.send(message);
      });
    });
    await page.goto(url);
    return page;
  }

  it('kills the server twice while the pages re-join; both recover, catch up and send their pending notes', async () => {
    const port = await freePort();
    const start = async () => {
      const instance = await startInstance(t, port);
      instances.push(instance);
      return instance;
    };
    const first = await start();
    const link = placeSession(t);
    const teacherLt = await openLink(t, link, 'teacher', { locale: 'en' });
    const sessionId = await startSession(t, teacherLt);
    const developerLt = await openLink(t, link, 'developer', { locale: 'en', region: 'pirkanmaa' });
    const teacher = await open(`${first.url}/sessions/${sessionId}?lt=${teacherLt}`);
    const developer = await open(`${first.url}/sessions/${sessionId}?lt=${developerLt}`);
    await live(teacher, /Live: changes/);
    await live(developer, /Live: changes/);

    // First kill: both pages lose the connection and keep what is typed meanwhile.
    await stopInstance(first, 'SIGKILL');
    await live(teacher, /Connection lost/);
    await live(developer, /Connection lost/);
    await addNote(teacher, 'kela', 'assessment', 'Typed by the facilitator while the server was down');
    await addNote(developer, 'workplaces', 'support', 'Typed by the developer while the server was down');

    // Second start, killed while both pages' joins are in flight (held, never answered).
    holdJoins = true;
    const second = await start();
    for (let i = 0; i < 600 && heldJoins < 2; i++) await teacher.waitForTimeout(100);
    assert.ok(heldJoins >= 2, 'both pages tried to re-join the second server');
    await stopInstance(second, 'SIGKILL');
    holdJoins = false;

    // Third start: nobody reloads; both pages re-join by themselves and send their notes once.
    await start();
    await live(teacher, /Live: changes/);
    await live(developer, /Live: changes/);
    for (const page of [teacher, developer]) {
      for (const text of [
        'Typed by the facilitator while the server was down',
        'Typed by the developer while the server was down',
      ]) {
        await noteWith(page, text).waitFor({ timeout: 30_000 });
        await noteWith(page, text).locator('[data-field="pending"]').waitFor({ state: 'hidden', timeout: 30_000 });
        assert.equal(await noteWith(page, text).count(), 1, `"${text}" is on the page once`);
      }
    }
    // And the session goes on live between them.
    await addNote(developer, 'kela', 'planning', 'After the restarts');
    await noteWith(teacher, 'After the restarts').waitFor();
  });
});
