/**
 * Screenshots of every page at 1280 and 360 px in fi, sv and en, into a folder (default
 * `screenshots/`), to look at the whole service at once: `npm run screenshots [-- folder]`.
 * Boots its own Silta with the development platform on a fresh SQLite file (the test harness),
 * launches each persona, and drives Chromium (playwright-core, CHROMIUM_PATH or /usr/bin/chromium).
 * The board carries the first-run demo data (content/demo/board.yaml), as after `npm start`.
 * A subset: SCREENSHOTS_ONLY=board,admin-keys (page names, by prefix) and SCREENSHOTS_LANGS=fi,sv.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { openBoard, placeBoard, createPractice } from '../test/board/board-fixtures';
import { openLink, placeSession, startSession } from '../test/sessions/session-fixtures';
import { launchSession } from '../test/helpers/launch';
import { newAdmin } from '../test/admin/admin-fixtures';
import { testSilta } from '../test/helpers/test-app';
import { seedDemo } from '../server/domain/demo/demo';

const ALL_LANGS = ['fi', 'sv', 'en'] as const;
const LANGS = ALL_LANGS.filter(
  (l) => !process.env.SCREENSHOTS_LANGS || process.env.SCREENSHOTS_LANGS.split(',').includes(l),
);
const ONLY = process.env.SCREENSHOTS_ONLY?.split(',').filter(Boolean);
/** Whether a page is taken: every page, or those whose name starts with one of SCREENSHOTS_ONLY. */
const wanted = (name: string) => !ONLY || ONLY.some((prefix) => name.startsWith(prefix));
const WIDTHS = [1280, 360] as const;

async function main() {
  const out = path.resolve(process.argv[2] ?? 'screenshots');
  fs.mkdirSync(out, { recursive: true });
  const t = await testSilta();
  const silta = t.baseUrl;
  const platform = t.devPlatform.issuer;
  await seedDemo({ sequelize: t.silta.sequelize, devPlatform: t.devPlatform, packs: t.packs });
  const board = placeBoard(t, { region: 'pirkanmaa' });
  const session = placeSession(t);
  const admin = await newAdmin(t);

  // Per language: a launch of each kind, and the pages it reaches.
  const pages: { name: string; url: string; lang: string }[] = [];
  for (const lang of LANGS) {
    const trainee = await openBoard(t, board, 'trainee', { locale: lang });
    const teacher = await openBoard(t, board, 'teacher', { locale: lang });
    const practice = await createPractice(t, trainee, {
      title:
        lang === 'sv'
          ? 'Arbetsförmågekoordinator'
          : lang === 'en'
            ? 'Work-ability coordinator'
            : 'Työkykykoordinaattori',
      language: lang,
      region: 'pirkanmaa',
    });
    const facilitator = await openLink(t, session, 'teacher', { locale: lang });
    const { lt: landing } = await launchSession(t, { persona: 'developer', locale: lang });
    pages.push(
      { name: 'front', url: `${silta}/?lang=${lang}`, lang },
      { name: 'dev-platform', url: `${platform}/?lang=${lang}`, lang },
      { name: 'styleguide', url: `${silta}/dev/styleguide?lang=${lang}`, lang },
      { name: 'landing', url: `${silta}/app?lt=${landing}`, lang },
      { name: 'board', url: `${silta}/board?lt=${trainee}`, lang },
      { name: 'board-new', url: `${silta}/board/new?lt=${trainee}`, lang },
      { name: 'board-practice', url: `${silta}/board/practices/${practice}?lt=${trainee}`, lang },
      { name: 'board-region', url: `${silta}/board/regions/pirkanmaa?lt=${trainee}`, lang },
      { name: 'board-spread', url: `${silta}/board/spread?lt=${teacher}`, lang },
      { name: 'board-moderation', url: `${silta}/board/moderation?lt=${teacher}`, lang },
      { name: 'session-new', url: `${silta}/sessions/new?lt=${facilitator}`, lang },
      { name: 'error', url: `${silta}/board/practices/999999?lt=${trainee}`, lang },
      { name: 'admin-login', url: `${silta}/admin/login?lang=${lang}`, lang },
    );
    if (lang === 'fi') {
      const live = `${silta}/sessions/${await startSession(t, facilitator)}?lt=${facilitator}`;
      pages.push({ name: 'session-live', url: live, lang }, { name: 'session-present', url: `${live}&present`, lang });
    }
  }

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      for (const { name, url, lang } of pages.filter((p) => wanted(p.name))) {
        await page.goto(url, { waitUntil: 'networkidle' });
        await page.screenshot({ path: path.join(out, `${name}-${lang}-${width}.png`), fullPage: true });
      }
      // The admin console, logged in.
      await page.goto(`${silta}/admin/login?lang=fi`);
      await page.fill('#username', admin.username);
      await page.fill('#password', admin.password);
      await page.click('form button[type="submit"]');
      for (const lang of LANGS) {
        const module = 'work-ability-service-chain';
        const content = [
          'content',
          `content/${module}`,
          `content/${module}/edit`,
          `content/${module}/preview?in=${lang}&step=actors-check`,
        ];
        const sections = ['platforms', 'keys', 'people', 'regions', 'grades', 'reports', ...content];
        for (const section of sections.filter((s) => wanted(`admin-${s.split(/[/?]/)[0]}`))) {
          await page.goto(`${silta}/admin/${section}${section.includes('?') ? '&' : '?'}lang=${lang}`, {
            waitUntil: 'networkidle',
          });
          await page.screenshot({
            path: path.join(out, `admin-${section.replace(/[/?&=]/g, '-')}-${lang}-${width}.png`),
            fullPage: true,
          });
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${out}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
