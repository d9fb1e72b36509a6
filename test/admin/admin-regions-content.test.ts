import assert from 'node:assert/strict';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from '../forms/form-page';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { Region } from '../../server/store/models';
import { ModuleRecord } from '../../server/store/module-version-models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, postForm } from './admin-fixtures';

const en = translator('en');

describe('admin console: regions and content', () => {
  let t: TestSilta;
  let agent: supertest.Agent;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
  });

  const snapshot = async (code: string) => JSON.stringify((await Region.findByPk(code))!.get({ plain: true }));

  it('lists the regions and edits one region’s names and wave', async () => {
    const list = await agent.get('/admin/regions').set('accept-language', 'en').expect(200);
    assert.ok(list.text.includes('Kainuun hyvinvointialue') && list.text.includes('Kajanalands välfärdsområde'));
    const original = (await Region.findByPk('kainuu'))!.get({ plain: true });
    const fields = {
      nameFi: 'Kainuun hyvinvointialue (testi)',
      nameSv: 'Kajanalands välfärdsområde (test)',
      nameEn: 'Kainuu (test)',
      wave: '2',
    };
    try {
      const response = await postForm(agent, '/admin/regions/kainuu', '/admin/regions/kainuu', fields);
      assert.equal(response.status, 303);
      const region = (await Region.findByPk('kainuu'))!;
      assert.deepEqual(
        { nameFi: region.nameFi, nameSv: region.nameSv, nameEn: region.nameEn, wave: region.wave },
        { ...fields, wave: 2 },
      );
      assert.ok(
        (await agent.get(response.headers.location).set('accept-language', 'en')).text.includes(
          en('admin.regions.saved'),
        ),
      );
    } finally {
      // Other test files read the seeded names.
      await Region.update(
        { nameFi: original.nameFi, nameSv: original.nameSv, nameEn: original.nameEn, wave: original.wave },
        { where: { code: 'kainuu' } },
      );
    }
  });

  it('refuses bad names or waves, and unknown regions, changing nothing', async () => {
    const before = await snapshot('lappi');
    const good = { nameFi: 'Lapin hyvinvointialue', nameSv: 'Lapplands välfärdsområde', nameEn: 'Lapland', wave: '3' };
    for (const bad of [
      { wave: '0' },
      { wave: '21' },
      { wave: 'two' },
      { wave: '1.5' },
      { nameFi: '   ' },
      { nameSv: 'x'.repeat(201) },
      { nameEn: undefined },
    ]) {
      const response = await postForm(
        agent,
        '/admin/regions/lappi',
        '/admin/regions/lappi',
        Object.fromEntries(Object.entries({ ...good, ...bad }).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
      );
      assert.equal(response.status, 400, JSON.stringify(bad));
      const field = Object.keys(bad)[0];
      assert.deepEqual(
        errorSummaryOf(response.text).map((l) => l.href),
        [`#${field}`],
      );
      assert.ok(fieldMessageOf(response.text, field), field);
      if (bad[field as keyof typeof bad] !== undefined)
        assert.equal(fieldValueOf(response.text, field), bad[field as keyof typeof bad]!.replace(/"/g, '&quot;'));
    }
    assert.equal(await snapshot('lappi'), before);
    assert.equal((await agent.get('/admin/regions/atlantis').set('accept-language', 'en')).status, 404);
    assert.equal((await postForm(agent, '/admin/regions', '/admin/regions/atlantis', good)).status, 404);
    assert.equal((await agent.get('/admin/regions/Not%20A%20Code')).status, 400);
    assert.equal(await Region.count({ where: { code: 'atlantis' } }), 0);
  });

  it('lists the module packs with their versions, step counts and validation state', async () => {
    const page = await agent.get('/admin/content').set('accept-language', 'sv').expect(200);
    assert.match(page.text, /<html lang="sv">/);
    for (const pack of t.packs.values()) {
      assert.ok(page.text.includes(pack.title.sv), pack.slug);
      assert.ok(page.text.includes(`<td>${pack.version}</td>`), `${pack.slug} version`);
      assert.ok(page.text.includes(`<td class="number">${pack.steps.length}</td>`), `${pack.slug} steps`);
    }
    // Every module the database serves is listed (other tests of the suite publish some too).
    assert.equal(
      [...page.text.matchAll(new RegExp(translator('sv')('admin.content.valid'), 'g'))].length,
      await ModuleRecord.count(),
    );
  });
});
