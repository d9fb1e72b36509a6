import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type supertest from 'supertest';
import { ModuleLibrary } from '../../server/domain/modules/versions/module-library';
import { packFromSource } from '../../server/domain/modules/versions/pack-source';
import { publishVersion } from '../../server/domain/modules/versions/module-versions.service';
import { GradeOutbox, ModuleAttempt, StepAnswer, User } from '../../server/store/models';
import { ModuleDraft, ModuleRecord, ModuleVersion } from '../../server/store/module-version-models';
import { adminAgent, csrfOf } from '../admin/admin-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { packSource, uniqueSlug } from '../module-versions/version-fixtures';

const MOODLE_XML = fs.readFileSync(path.join(__dirname, 'fixtures', 'moodle-questions.xml'));
const SV_QUESTION = 't|steps.2.questions.0.text.sv';

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** What the editor form posts as it stands: its text fields and textareas, and the checked options. */
function formFieldsOf(html: string): Record<string, string | string[]> {
  const form = html.slice(
    html.indexOf('class="module-editor"'),
    html.indexOf('</form>', html.indexOf('class="module-editor"')),
  );
  const fields: Record<string, string | string[]> = {};
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[unescape(m[1])] = unescape(m[2]);
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*type="text" value="([^"]*)"/g))
    fields[unescape(m[1])] = unescape(m[2]);
  for (const m of form.matchAll(/<input type="hidden" name="(c\|[^"]+)" value="">/g)) fields[m[1]] = [''];
  for (const m of form.matchAll(/<input type="(?:radio|checkbox)"[^>]*name="(c\|[^"]+)" value="(\d+)" checked>/g))
    (fields[m[1]] as string[]).push(m[2]);
  return fields;
}

describe('admin console: the module editor (drafts, publish, Moodle import, preview)', () => {
  let t: TestSilta;
  let agent: supertest.Agent;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
  });

  /** A published module of its own (a copy of a shipped pack), so tests never share a draft. */
  const newModule = async (prefix = 'edited') => {
    const slug = uniqueSlug(prefix);
    await publishVersion({
      sequelize: t.silta.sequelize,
      slug,
      source: packSource(slug, '1.0.0'),
      origin: 'upload',
      publishedBy: 'test',
    });
    return slug;
  };
  const edit = async (slug: string, fields: Record<string, string | string[]>, lang = 'en') => {
    const token = await csrfOf(agent, `/admin/content/${slug}/edit`, lang);
    return agent
      .post(`/admin/content/${slug}/edit`)
      .type('form')
      .set('accept-language', lang)
      .send({ _csrf: token, ...fields });
  };
  const importXml = async (slug: string, file: Buffer, language = 'fi') => {
    const token = await csrfOf(agent, `/admin/content/${slug}/edit`);
    return agent
      .post(`/admin/content/${slug}/import`)
      .set('accept-language', 'en')
      .field('_csrf', token)
      .field('language', language)
      .attach('moodle', file, 'questions.xml');
  };
  const draftOf = async (slug: string) => {
    const row = await ModuleDraft.findByPk(slug);
    return row ? (JSON.parse(row.files) as Record<string, string>) : null;
  };

  it('shows every text of the module in fi, sv and en side by side', async () => {
    const slug = await newModule();
    const page = await agent.get(`/admin/content/${slug}/edit`).set('accept-language', 'en').expect(200);
    for (const lang of ['fi', 'sv', 'en']) {
      assert.match(page.text, new RegExp(`name="t\\|steps\\.2\\.questions\\.0\\.options\\.1\\.feedback\\.${lang}"`));
      assert.match(page.text, new RegExp(`name="md\\|steps/${lang}/work-ability\\.md"`));
    }
    assert.match(page.text, /Step 3: actors-check \(knowledge-check\)/);
    // Each field holds the stored text, so saving the form unchanged changes nothing.
    assert.match(
      page.text,
      /name="t\|steps\.2\.questions\.0\.text\.sv" rows="2" lang="sv">Maria är 45 år och har varit arbetslös/,
    );
    const unchanged = await edit(slug, { action: 'save', ...formFieldsOf(page.text) });
    assert.equal(unchanged.status, 303);
    assert.equal(
      packFromSource(slug, (await draftOf(slug))!).pack?.title.sv,
      (await t.silta.modules.current(slug))?.title.sv,
    );
    assert.deepEqual(
      packFromSource(slug, (await draftOf(slug))!).pack?.steps,
      (await t.silta.modules.current(slug))?.steps,
    );
    assert.match(page.text, /The draft is valid and can be published/);
  });

  it('saves a draft without touching the published module, then publishes it as a new version', async () => {
    const slug = await newModule();
    const saved = await edit(slug, {
      action: 'save',
      [SV_QUESTION]: 'Maria är 45 år. Var bedöms hennes arbetsförmåga först?',
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 300));
    assert.match((await draftOf(slug))!['module.yaml'], /Maria är 45 år\. Var bedöms/);
    // Saved, not published: trainees still get 1.0.0.
    assert.equal((await ModuleRecord.findByPk(slug))?.currentVersion, '1.0.0');
    const served = (await t.silta.modules.current(slug))!.steps[2];
    assert.ok(
      served.kind === 'knowledge-check' &&
        served.questions[0].text.sv.startsWith('Maria är 45 år och har varit arbetslös'),
    );

    const published = await edit(slug, { action: 'publish' });
    assert.equal(published.status, 303, published.text.slice(0, 300));
    const version = await ModuleVersion.findOne({ where: { moduleSlug: slug, version: '1.0.1' } });
    assert.equal(version?.origin, 'console');
    assert.equal(await ModuleDraft.count({ where: { moduleSlug: slug } }), 0);
    // A second instance (its own library, nothing cached) serves the new version at once.
    const other = await new ModuleLibrary().current(slug);
    assert.equal(other?.version, '1.0.1');
    const step = other!.steps[2];
    assert.ok(step.kind === 'knowledge-check');
    assert.equal(step.questions[0].text.sv, 'Maria är 45 år. Var bedöms hennes arbetsförmåga först?');
    const history = await agent.get(`/admin/content/${slug}`).set('accept-language', 'en').expect(200);
    assert.match(history.text, /Edited in the console/);
  });

  it('refuses to publish a draft with problems, naming each by its place and linking to the field', async () => {
    const slug = await newModule();
    const refused = await edit(slug, {
      action: 'publish',
      [SV_QUESTION]: '  ',
      'c|steps.2.questions.0': ['', '0', '1'],
    });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<title>Error:/);
    assert.match(refused.text, /class="error-summary"/);
    assert.match(
      refused.text,
      /href="#f-t-steps-2-questions-0-text-sv">Step 3, question 1, text: Swedish text is empty/,
    );
    assert.match(refused.text, /a single-choice question needs exactly one correct option \(found 2\)/);
    assert.match(refused.text, /id="f-t-steps-2-questions-0-text-sv-error"/);
    assert.equal(await ModuleVersion.count({ where: { moduleSlug: slug } }), 1);
    // The draft keeps what was typed, to be fixed.
    assert.ok(await draftOf(slug));
    const sv = await agent.get(`/admin/content/${slug}/edit`).set('accept-language', 'sv').expect(200);
    assert.match(sv.text, /Steg 3, fråga 1/);
  });

  it('refuses a forged field name, a number where a text belongs and raw HTML in Markdown, each without publishing', async () => {
    const slug = await newModule();
    const forged = await edit(slug, { action: 'save', 't|steps.2.questions.0.id.sv': 'x' });
    assert.equal(forged.status, 400);
    assert.equal(await draftOf(slug), null);
    const unknown = await edit(slug, { action: 'save', 'x|title': 'x' });
    assert.equal(unknown.status, 400);
    const stale = await edit(slug, { action: 'save', 't|steps.99.questions.0.text.sv': 'x' });
    assert.equal(stale.status, 400);
    assert.equal(await draftOf(slug), null);

    const number = await edit(slug, { action: 'publish', 'n|passThreshold': 'many' });
    assert.equal(number.status, 400);
    assert.match(number.text, /href="#f-n-passThreshold">pass threshold<\/a>.*: must be a number/);
    assert.match(number.text, /id="f-n-passThreshold" name="n\|passThreshold" type="text" value="many"/);
    const html = await edit(slug, {
      action: 'publish',
      'n|passThreshold': '70',
      'md|steps/sv/work-ability.md': '# Rubrik\n\n<script>alert(1)</script>\n',
    });
    assert.equal(html.status, 400);
    assert.match(
      html.text,
      /href="#f-md-steps-sv-work-ability-md">Step text work-ability in Swedish<\/a>.*: raw HTML is not allowed \(&lt;script&gt;alert\(1\)/,
    );
    assert.equal(await ModuleVersion.count({ where: { moduleSlug: slug } }), 1);
  });

  it('imports a Moodle XML export as a knowledge check in the draft, listing what it left out', async () => {
    const slug = await newModule();
    const imported = await importXml(slug, MOODLE_XML);
    assert.equal(imported.status, 200, imported.text.slice(0, 500));
    assert.match(imported.text, /Lyhenne TE: question type shortanswer is not supported/);
    assert.match(imported.text, /Kaavio: images were left out/);
    assert.match(imported.text, /Kaavio: formatting Silta does not show was removed \(table, tr, td\)/);
    assert.match(
      imported.text,
      /Kuka maksaa kuntoutusrahan: the &quot;correct&quot;, &quot;partially correct&quot; and &quot;incorrect&quot; feedback was not imported/,
    );
    // 50 + 50 for the right answers and -100 for a wrong one is Moodle's ordinary several-answer question.
    assert.doesNotMatch(imported.text, /Palveluketjun toimijat: partial marks/);
    assert.match(imported.text, /Osapisteet: partial marks were not imported/);
    assert.match(imported.text, /Osapisteet: general feedback was not imported/);
    const files = (await draftOf(slug))!;
    assert.match(files['steps/sv/moodle-import-1.md'], /^# Frågor importerade från Moodle/);
    const yaml = files['module.yaml'];
    assert.match(yaml, /id: moodle-import-1/);
    assert.match(yaml, /sv: Vem betalar rehabiliteringspenning\?/);
    assert.match(yaml, /type: multiple/);
    assert.match(yaml, /sv: Vilka är aktörer i servicekedjan\?/);
    assert.match(yaml, /sv: Sant/);
    // The Finnish-only questions need Swedish and English before the draft can be published.
    assert.match(imported.text, /Step 9, question 3, text<\/a>.*: Swedish text is empty/);

    assert.equal(packFromSource(slug, files).pack, null);
  });

  it('refuses malformed Moodle XML, a file that is no quiz and an oversize file next to the upload, storing nothing', async () => {
    const slug = await newModule();
    const malformed = await importXml(
      slug,
      Buffer.from('<quiz><question type="truefalse"><name><text>x</text></question></quiz>'),
    );
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /id="moodle-error"/);
    assert.match(malformed.text, /The file is not valid Moodle XML/);
    const notQuiz = await importXml(slug, Buffer.from('<?xml version="1.0"?><html><body/></html>'));
    assert.equal(notQuiz.status, 400);
    assert.match(notQuiz.text, /&lt;html&gt; instead of &lt;quiz&gt;|<html> instead of <quiz>/);
    const onlyUnsupported = await importXml(
      slug,
      Buffer.from('<quiz><question type="essay"><name><text>E</text></name></question></quiz>'),
    );
    assert.equal(onlyUnsupported.status, 400);
    assert.match(onlyUnsupported.text, /no questions that can be imported/);
    const big = await importXml(slug, Buffer.alloc(6 * 1024 * 1024, 0x20));
    assert.equal(big.status, 413);
    assert.match(big.text, /larger than 5 MB/);
    assert.equal(await draftOf(slug), null);
  });

  it('previews the draft as a trainee in each language without creating a trainee, an attempt or a grade', async () => {
    const slug = await newModule();
    assert.equal((await edit(slug, { action: 'save', [SV_QUESTION]: 'Förhandsgranskad fråga' })).status, 303);
    const counts = async () => [
      await User.count(),
      await ModuleAttempt.count(),
      await StepAnswer.count(),
      await GradeOutbox.count(),
    ];
    const before = await counts();
    const sv = await agent
      .get(`/admin/content/${slug}/preview?in=sv&step=actors-check`)
      .set('accept-language', 'en')
      .expect(200);
    assert.match(sv.text, /<html lang="sv">/);
    assert.match(sv.text, /Förhandsgranskad fråga/);
    assert.doesNotMatch(sv.text, /is-correct/);
    for (const lang of ['fi', 'en']) await agent.get(`/admin/content/${slug}/preview?in=${lang}`).expect(200);
    const checked = await agent
      .get(`/admin/content/${slug}/preview?in=en&step=actors-check&check=1&q_unemployed-assessment=sote-centre`)
      .expect(200);
    assert.match(checked.text, /is-correct/);
    assert.deepEqual(await counts(), before);
    await agent.get(`/admin/content/${slug}/preview?in=de`).expect(400);
  });

  it('starts a new module as a draft, refusing a bad or taken slug in the form', async () => {
    const token = await csrfOf(agent, '/admin/content');
    const bad = await agent
      .post('/admin/content/new')
      .type('form')
      .set('accept-language', 'en')
      .send({ _csrf: token, slug: 'Not A Slug' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /class="error-summary"/);
    assert.match(bad.text, /href="#new-slug"/);
    assert.match(bad.text, /value="Not A Slug"/);
    const slug = uniqueSlug('brand-new');
    await agent.post('/admin/content/new').type('form').send({ _csrf: token, slug }).expect(303);
    assert.ok(await draftOf(slug));
    const taken = await agent
      .post('/admin/content/new')
      .type('form')
      .set('accept-language', 'en')
      .send({ _csrf: token, slug });
    assert.equal(taken.status, 409);
    const page = await agent.get(`/admin/content/${slug}/edit`).set('accept-language', 'en').expect(200);
    assert.match(page.text, /problems? to fix before it can be published/);
    const list = await agent.get('/admin/content').set('accept-language', 'en').expect(200);
    assert.match(list.text, new RegExp(`href="/admin/content/${slug}/edit"`));
  });

  it('refuses the editor to a visitor who is not signed in', async () => {
    const slug = await newModule();
    const anonymous = t.request();
    const res = await anonymous.get(`/admin/content/${slug}/edit`);
    assert.ok([302, 303, 401].includes(res.status), String(res.status));
  });
});
