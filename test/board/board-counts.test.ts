import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { Practice, PracticeAdoption } from '../../server/store/models';
import { inTransaction } from '../../server/store/transaction';
import { adminAgent } from '../admin/admin-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard } from './board-fixtures';

const fi = translator('fi');
const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"');

/**
 * One definition of a shared practice (published, not hidden, not a draft) behind every count:
 * a board with three shared practices, a draft and a hidden practice (adopted before it was
 * hidden), and each place that counts practices or adoptions says the same numbers.
 */
describe('counts of shared practices agree everywhere', () => {
  let t: TestSilta;
  let admin: supertest.Agent;
  const board = `counts-${Date.now()}`;
  let lt: Record<'karelia' | 'pirkanmaa' | 'teacher', string>;
  let ids: { p1: number; p2: number; p3: number; draft: number; hidden: number };

  before(async function () {
    this.timeout(120_000);
    t = await testSilta();
    admin = await adminAgent(t);
    const link = (region: string) => placeBoard(t, { region, board });
    lt = {
      karelia: await openBoard(t, link('pohjois-karjala'), 'developer'),
      pirkanmaa: await openBoard(t, link('pirkanmaa'), 'developer'),
      // A teacher's link names no region: teachers see the whole board without choosing one.
      teacher: await openBoard(t, placeBoard(t, { board }), 'teacher'),
    };
    ids = {
      p1: await createPractice(t, lt.karelia, { title: 'Jaettu yksi', region: 'pohjois-karjala' }),
      p2: await createPractice(t, lt.karelia, { title: 'Jaettu kaksi', region: 'pohjois-karjala' }),
      p3: await createPractice(t, lt.pirkanmaa, { title: 'Jaettu kolme', region: 'pirkanmaa' }),
      draft: await createPractice(t, lt.karelia, { title: 'Luonnos', region: 'pohjois-karjala', status: 'draft' }),
      hidden: await createPractice(t, lt.karelia, { title: 'Piilotettu', region: 'pohjois-karjala' }),
    };
    const adopt = (who: string, id: number) =>
      t
        .request()
        .post(`/board/practices/${id}/adopt`)
        .type('form')
        .send(form(who, { note: '' }))
        .expect(303);
    await adopt(lt.pirkanmaa, ids.p1);
    await adopt(lt.karelia, ids.p3);
    // Adopted while it was shared, then hidden: neither it nor its adoption counts any more.
    await adopt(lt.pirkanmaa, ids.hidden);
    await t
      .request()
      .post(`/board/practices/${ids.hidden}/moderate`)
      .type('form')
      .send(form(lt.teacher, { action: 'hide', reason: 'Tarkistetaan' }))
      .expect(303);
    // Everything of this board in May 2016, so the admin report of that month is this board alone.
    const sequelize = t.silta.sequelize;
    const practiceIds = Object.values(ids);
    const when = new Date('2016-05-10T10:00:00Z');
    await inTransaction(sequelize, async (transaction) => {
      await sequelize.query('UPDATE practices SET created_at = :when WHERE id IN (:ids)', {
        replacements: { when, ids: practiceIds },
        type: QueryTypes.UPDATE,
        transaction,
      });
      await sequelize.query('UPDATE practice_adoptions SET created_at = :when WHERE practice_id IN (:ids)', {
        replacements: { when, ids: practiceIds },
        type: QueryTypes.UPDATE,
        transaction,
      });
    });
  });

  it('refuses to adopt a draft, even for its author, and stores nothing', async () => {
    const before = await PracticeAdoption.count();
    const refused = await t
      .request()
      .post(`/board/practices/${ids.draft}/adopt`)
      .type('form')
      .set('Accept', 'application/json')
      .send(form(lt.karelia, { note: '' }))
      .expect(409);
    assert.equal(refused.body.error.code, 'practice_draft');
    assert.equal(refused.body.error.message, fi('errors.practice_draft'));
    assert.equal(await PracticeAdoption.count(), before);
    assert.equal((await Practice.findByPk(ids.draft))!.adoptionCount, 0);
  });

  it('the listing counts 3 shared practices for a developer and a teacher; drafts and hidden ones are apart', async () => {
    const developer = (await t.request().get(`/board?lt=${lt.karelia}`).expect(200)).text;
    assert.ok(
      developer.includes(`<h2 id="results-heading">${fi('board.grid.shared', { count: 3 })}</h2>`),
      'developer: 3 shared',
    );
    // The shared grid first, the author's drafts after it.
    const grid = developer.slice(developer.indexOf('id="results-heading"'), developer.indexOf('id="drafts-heading"'));
    for (const id of [ids.p1, ids.p2, ids.p3]) assert.ok(grid.includes(`data-practice-id="${id}"`));
    assert.ok(!grid.includes(`data-practice-id="${ids.draft}"`) && !grid.includes(`data-practice-id="${ids.hidden}"`));
    const drafts = developer.slice(developer.indexOf('id="drafts-heading"'));
    assert.ok(developer.indexOf('id="drafts-heading"') > developer.indexOf('id="results-heading"'));
    assert.ok(drafts.includes(`data-practice-id="${ids.draft}"`), 'the author sees their draft in its own section');

    const teacher = await t.request().get(`/board?lt=${lt.teacher}`).expect(200);
    assert.ok(
      teacher.text.includes(`<h2 id="results-heading">${fi('board.grid.shared', { count: 3 })}</h2>`),
      'teacher: 3 shared',
    );
    assert.ok(
      teacher.text.includes(fi('board.grid.also_hidden', { count: 1 })),
      'the hidden one is shown to the teacher, said apart',
    );
    assert.ok(!teacher.text.includes(`data-practice-id="${ids.draft}"`), "nobody else's draft");
  });

  it('region pages count the same: shared and adopted practices', async () => {
    const karelia = decode((await t.request().get(`/board/regions/pohjois-karjala?lt=${lt.teacher}`).expect(200)).text);
    assert.ok(karelia.includes(fi('board.region_page.shared_count', { count: 2 })), 'karelia shared 2');
    assert.ok(karelia.includes(fi('board.region_page.adopted_count', { count: 1 })), 'karelia adopted 1');
    const pirkanmaa = decode((await t.request().get(`/board/regions/pirkanmaa?lt=${lt.teacher}`).expect(200)).text);
    assert.ok(pirkanmaa.includes(fi('board.region_page.shared_count', { count: 1 })), 'pirkanmaa shared 1');
    assert.ok(
      pirkanmaa.includes(fi('board.region_page.adopted_count', { count: 1 })),
      'pirkanmaa adopted 1 (not the hidden one)',
    );
  });

  it('the spread map, matrix and wave totals count the same', async () => {
    const page = decode((await t.request().get(`/board/spread?lt=${lt.teacher}`).expect(200)).text);
    const tile = (code: string) => new RegExp(`data-region="${code}" aria-label="([^"]+)"`).exec(page)?.[1];
    const label = (region: string, wave: number, shared: number, made: number) =>
      fi('board.map.tile_label', { region, wave, shared, made });
    assert.equal(tile('pohjois-karjala'), label('Pohjois-Karjalan hyvinvointialue', 1, 2, 1));
    assert.equal(tile('pirkanmaa'), label('Pirkanmaan hyvinvointialue', 1, 1, 1));
    assert.ok(
      page.includes(fi('board.spread.svg_desc', { adoptions: 2, practices: 3, origins: 2, adopters: 2 })),
      'matrix description: 3 practices, 2 adoptions',
    );
    // Both regions are in wave 1: the wave row has 3 shared, 2 adoptions of them, 2 made.
    const waves = page.slice(page.indexOf('id="spread-waves-heading"'));
    assert.match(
      waves,
      new RegExp(`<th scope="row">${fi('board.wave', { wave: 1 })}</th><td>\\d+</td><td>3</td><td>2</td><td>2</td>`),
    );
  });

  it('selecting a region on the map says the same numbers', async () => {
    const page = decode((await t.request().get(`/board/spread?lt=${lt.teacher}&region=pirkanmaa`).expect(200)).text);
    assert.match(page, /data-region="pirkanmaa" aria-label="[^"]+" aria-current="true"/);
    const announcement = [
      fi('board.map.announce_shared', { region: 'Pirkanmaan hyvinvointialue', count: 1 }),
      fi('board.map.announce_to', { count: 1, regions: 'Pohjois-Karjalan hyvinvointialue' }),
      fi('board.map.announce_from', { count: 1, regions: 'Pohjois-Karjalan hyvinvointialue' }),
    ].join(' ');
    assert.ok(page.includes(`data-announcement="${announcement}"`), announcement);
    assert.equal(
      (
        await t
          .request()
          .get(`/board/spread?lt=${lt.teacher}&region=atlantis`)
          .set('Accept', 'application/json')
          .expect(404)
      ).body.error.code,
      'region_not_found',
    );
  });

  it('the admin board report counts the same practices and adoptions', async () => {
    const page = decode((await admin.get('/admin/reports/board?from=2016-05&to=2016-05&lang=en').expect(200)).text);
    const match = /(\d+) practices shared, (\d+) comments and (\d+) adoptions/.exec(page);
    assert.ok(match, 'the activity description');
    assert.deepEqual([Number(match[1]), Number(match[3])], [3, 2]);
  });
});
