import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { reindexPractices } from '../../server/domain/board/search/practice-index';
import { Practice } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard, practiceForm, type PracticeFields } from './board-fixtures';

/** Each case: a practice's own text, and a query in another form of one of its words that must find it. */
type FormCase = { language: 'fi' | 'sv' | 'en'; text: string; query: string };

// Both databases search Silta's lemmas (search-set.test.ts has the full set): an inflected query
// finds the base form and the other way round, and a compound's part finds the compound.
const FORMS: FormCase[] = [
  { language: 'fi', text: 'Asiakkaan työkykyä arvioidaan yhdessä', query: 'työkyky' },
  { language: 'fi', text: 'Asiakkaan työkyky arvioidaan yhdessä', query: 'työkykyä' },
  { language: 'fi', text: 'Työkykykoordinaattori kokoaa tuen', query: 'koordinaattori' },
  { language: 'fi', text: 'Palveluketjun vaiheet sovittiin', query: 'palveluketju' },
  { language: 'fi', text: 'Yhteinen palveluketju sovittiin', query: 'palveluketjun' },
  { language: 'sv', text: 'Stödet för arbetsförmågan samordnas', query: 'arbetsförmåga' },
  { language: 'sv', text: 'Företagshälsovården samordnar stödet', query: 'företagshälsovård' },
  { language: 'sv', text: 'Ungdomarna får en egen kontaktperson', query: 'ungdomar' },
  { language: 'en', text: 'Workplaces join the service chain', query: 'workplace' },
  { language: 'en', text: 'Rehabilitation starts in the first month', query: 'rehabilitating' },
];

// Query text that is syntax in FTS5 or SQL: each must answer normally and change nothing.
const HOSTILE = [
  '"',
  '""',
  '*',
  'työ*',
  '-',
  '- kela',
  'NEAR',
  'NEAR(työ kela)',
  'title:kela',
  ':',
  '(',
  ')',
  '(kela',
  "'",
  "'; DROP TABLE practices; --",
  '" OR 1=1 --',
  'kela AND OR NOT',
  '^kela',
  '{title summary}: kela',
  '\\',
  '%',
  '_',
  'a\u0000b',
];

describe('full-text search of the board over HTTP', () => {
  let t: TestSilta;
  let link: string;
  let developer: string;
  /** The board's listing page for `query` (a query string). */
  const listing = async (lt: string, query: string) =>
    (await t.request().get(`/board?lt=${lt}&${query}`).expect(200)).text;
  /** The ids of the practices a listing shows, in order. */
  const found = async (lt: string, query: string): Promise<number[]> =>
    [...(await listing(lt, query)).matchAll(/href="\/board\/practices\/(\d+)\?lt=/g)].map((m) => Number(m[1]));
  const search = (lt: string, q: string, rest = '') => found(lt, `q=${encodeURIComponent(q)}${rest && `&${rest}`}`);
  const post = (lt: string, fields: PracticeFields) =>
    createPractice(t, lt, {
      title: 'Käytäntö',
      summary: 'Tiivistelmä',
      need: 'Tarve',
      whatWasDone: 'Tehtiin',
      results: '',
      ...fields,
    });

  before(async () => {
    t = await testSilta();
    // A board of its own, so practices of other test files never show up here.
    link = placeBoard(t, { region: 'pohjois-karjala', board: 'search-tests' });
    developer = await openBoard(t, link, 'developer');
  });

  it('finds other forms of a word in Finnish, Swedish and English', async () => {
    const cases = FORMS;
    const ids = [];
    for (const c of cases)
      ids.push(await post(developer, { title: `Muoto ${c.language}`, whatWasDone: c.text, language: c.language }));
    const unrelated = await post(developer, { title: 'Muoto', whatWasDone: 'Aivan toinen aihe' });
    for (const [i, c] of cases.entries()) {
      const hits = await search(developer, c.query);
      assert.ok(hits.includes(ids[i]), `"${c.query}" finds "${c.text}" (${c.language})`);
      assert.ok(!hits.includes(unrelated), `"${c.query}" does not find everything`);
    }
  });

  it('searches the title, summary and body, and all words of the query', async () => {
    const id = await post(developer, {
      title: 'Matalan kynnyksen neuvonta',
      summary: 'Ohjaamo yhdistää palvelut',
      need: 'Nuoret putosivat väliin',
      whatWasDone: 'Kela ja TE-palvelut samaan paikkaan',
    });
    for (const q of ['neuvonta', 'ohjaamo', 'nuoret', 'kela ohjaamo'])
      assert.ok((await search(developer, q)).includes(id), q);
    assert.ok(!(await search(developer, 'ohjaamo lappeenranta')).includes(id), 'every word must match');
  });

  it('combines the search with the filters and paging', async () => {
    const word = 'kuntoutus';
    const pilot = await post(developer, {
      title: 'Kuntoutus kotona',
      status: 'pilot',
      region: 'pohjois-karjala',
      themes: ['return-to-work'],
    });
    const idea = await post(developer, {
      title: 'Kuntoutus etänä',
      status: 'idea',
      region: 'pirkanmaa',
      themes: ['mental-health'],
    });
    const other = await post(developer, {
      title: 'Etävastaanotto',
      status: 'idea',
      region: 'pirkanmaa',
      themes: ['mental-health'],
    });
    assert.deepEqual(
      (await search(developer, word)).filter((id) => [pilot, idea, other].includes(id)).sort(),
      [pilot, idea].sort(),
    );
    for (const [rest, expected] of [
      ['status=idea', [idea]],
      ['region=pohjois-karjala', [pilot]],
      ['theme=mental-health', [idea]],
      ['wave=1', [pilot, idea]],
      ['language=sv', []],
    ] as [string, number[]][]) {
      assert.deepEqual(
        (await search(developer, word, rest)).filter((id) => [pilot, idea, other].includes(id)).sort(),
        expected.sort(),
        rest,
      );
    }
    // Paging: 21 matches make two pages of 20 and 1, with the query kept in the page links.
    for (let i = 0; i < 21; i++) await post(developer, { title: `Sivutustesti ${i}` });
    const first = await t.request().get(`/board?lt=${developer}&q=sivutustesti`).expect(200);
    assert.ok(first.text.includes(translator('fi')('board.grid.shared', { count: 21 })));
    assert.match(
      first.text,
      /href="\/board\?[^"]*q&#x3D;sivutustesti[^"]*page&#x3D;2" rel="next"/,
      'the next page keeps the query',
    );
    assert.equal((await found(developer, 'q=sivutustesti&page=2')).length, 1);
  });

  it('ranks a match in the title above one in the text, and sorts by relevance by default when searching', async () => {
    const inTitle = await post(developer, { title: 'Verkostokokous sovitaan heti', whatWasDone: 'Muuta' });
    const inText = await post(developer, { title: 'Toinen malli', whatWasDone: 'Lopuksi pidetään verkostokokous' });
    const relevance = await search(developer, 'verkostokokous');
    assert.deepEqual(
      relevance.filter((id) => id === inTitle || id === inText),
      [inTitle, inText],
    );
    const newest = await search(developer, 'verkostokokous', 'sort=newest');
    assert.deepEqual(
      newest.filter((id) => id === inTitle || id === inText),
      [inText, inTitle],
    );
    const page = (await t.request().get(`/board?lt=${developer}&q=verkostokokous`).expect(200)).text;
    // The default order has no value: a query typed with it then sorts by relevance.
    assert.match(page, /<option value="" selected>[^<]*<\/option>/);
    assert.ok(page.includes(`<option value="" selected>${translator('fi')('board.sort.relevance')}</option>`));
    const plain = (await t.request().get(`/board?lt=${developer}`).expect(200)).text;
    assert.ok(!plain.includes('value="relevance"'), 'no relevance order without a query');
  });

  it('keeps the index current when a practice is edited or deleted', async () => {
    const id = await post(developer, { title: 'Alkuperäinen otsikko', whatWasDone: 'Kuukausipalaveri' });
    assert.ok((await search(developer, 'kuukausipalaveri')).includes(id));
    await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .send(practiceForm(developer, { title: 'Korjattu otsikko', whatWasDone: 'Viikkopalaveri' }))
      .expect(303);
    assert.ok(!(await search(developer, 'kuukausipalaveri')).includes(id), 'the old text is forgotten');
    assert.ok((await search(developer, 'viikkopalaveri')).includes(id), 'the new text is found');
    assert.ok((await search(developer, 'korjattu')).includes(id));
    await t.request().post(`/board/practices/${id}/delete`).type('form').send(form(developer)).expect(303);
    assert.ok(!(await search(developer, 'viikkopalaveri')).includes(id));
  });

  it("never finds another platform's or another board's practice", async () => {
    const mine = await post(developer, { title: 'Rajatarkastus omalla taululla' });
    const row = (await Practice.findByPk(mine))!;
    const base = {
      authorId: row.authorId,
      regionCode: 'kainuu',
      title: 'Rajatarkastus muualla',
      summary: 's',
      need: 'n',
      whatWasDone: 'w',
      results: '',
      actors: '[]',
      themes: '[]',
      links: '[]',
      status: 'idea' as const,
      language: 'fi',
    };
    const foreign = await Practice.create({
      ...base,
      issuer: 'https://other-moodle.example',
      boardKey: 'search-tests',
    });
    const otherBoard = await Practice.create({ ...base, issuer: row.issuer, boardKey: 'default' });
    const hits = await search(developer, 'rajatarkastus');
    assert.ok(hits.includes(mine));
    assert.ok(!hits.includes(foreign.id) && !hits.includes(otherBoard.id));
  });

  it('hides a hidden practice from a learner but not from a moderator', async () => {
    const id = await post(developer, { title: 'Piilotettava hakukohde' });
    const teacher = await openBoard(t, link, 'teacher');
    const trainee = await openBoard(t, link, 'trainee');
    await t
      .request()
      .post(`/board/practices/${id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'hide', reason: 'Tarkistetaan' }))
      .expect(303);
    assert.ok(!(await search(trainee, 'hakukohde')).includes(id), 'a learner does not find it');
    assert.ok(!(await search(developer, 'hakukohde')).includes(id), 'nor does its author');
    assert.ok((await search(teacher, 'hakukohde')).includes(id), 'a moderator does');
    await t
      .request()
      .post(`/board/practices/${id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'restore', reason: 'Kunnossa' }))
      .expect(303);
    assert.ok((await search(trainee, 'hakukohde')).includes(id), 'restored, it is found again');
  });

  it('treats query syntax and injection attempts as plain text', async () => {
    const id = await post(developer, { title: 'Kela ja työ yhdessä' });
    const before = await Practice.count();
    for (const q of HOSTILE) await search(developer, q);
    assert.equal(await Practice.count(), before, 'nothing changed');
    // Words around the syntax still count as words.
    for (const q of ['"kela', 'kela*', '(kela)', 'kela:', '-kela', 'NEAR kela', "kela'"]) {
      const hits = await search(developer, q);
      if (q === '-kela') assert.ok(!hits.includes(id), 'a minus excludes the word (only excluded words find nothing)');
      else if (q === 'NEAR kela') assert.ok(!hits.includes(id), 'NEAR is a word that must match too');
      else assert.ok(hits.includes(id), q);
    }
    assert.deepEqual(await search(developer, '*** ()'), [], 'a query without words finds nothing');
  });

  it('says next to the search field when a search has no word to look for, in the launch language', async () => {
    await post(developer, { title: 'Kela ja työ yhdessä' });
    /** The search field's error message, the error summary's link text, and the empty result's text. */
    const messages = async (lt: string, q: string) => {
      const html = await listing(lt, `q=${encodeURIComponent(q)}`);
      const field =
        /<p class="error-message" id="f-q-error"><span class="visually-hidden">[^<]*<\/span>([^<]*)<\/p>/.exec(
          html,
        )?.[1];
      if (field) {
        assert.match(html, /<input id="f-q"[^>]* aria-invalid="true" aria-describedby="f-q-error">/, q);
        assert.ok(html.includes(`<li><a href="#f-q">${field}</a></li>`), `${q}: the error summary links to the field`);
      }
      const empty = /<div class="empty-state" data-live="empty"><p>([^<]*)<\/p>/.exec(html)?.[1];
      return { field, empty, html };
    };
    const fi = translator('fi');
    for (const q of ['!!! ...', '-kela', '-"kela ja työ"', '( ) -']) {
      const { field, empty } = await messages(developer, q);
      assert.deepEqual([field, empty], [fi('board.search_no_words'), undefined], q);
    }
    const nothing = await messages(developer, 'zyzzyvaxyz');
    assert.deepEqual([nothing.field, nothing.empty], [undefined, fi('board.no_results')], 'a word that nothing has');
    const something = await messages(developer, 'kela');
    assert.deepEqual([something.field, something.empty], [undefined, undefined], 'a word that something has');
    for (const locale of ['sv', 'en'] as const) {
      const lt = await openBoard(t, link, 'developer', { locale });
      const { field, html } = await messages(lt, '-kela');
      assert.ok(html.includes(`<html lang="${locale}"`), locale);
      assert.equal(field, translator(locale)('board.search_no_words'), locale);
      // One page has no paging: "page 1 of 1" under the message read as a fault.
      assert.ok(!html.includes(`aria-label="${translator(locale)('board.pages')}"`), `${locale}: no paging`);
    }
  });

  it('lists everything for an empty query and refuses one over 200 characters', async () => {
    const everything = await found(developer, '');
    assert.deepEqual(await found(developer, 'q='), everything);
    assert.deepEqual(await found(developer, 'q=%20%20'), everything);
    const before = await Practice.count();
    const long = await t
      .request()
      .get(`/board?lt=${developer}&q=${'a'.repeat(201)}`)
      .set('Accept', 'application/json')
      .expect(400);
    assert.equal(long.body.error.code, 'board_field_too_long');
    assert.equal(
      long.body.error.message,
      translator('fi')('errors.board_field_too_long', { field: translator('fi')('board.filter.text'), max: 200 }),
    );
    const page = await t
      .request()
      .get(`/board?lt=${developer}&q=${'ä'.repeat(201)}`)
      .expect(400);
    assert.ok(page.text.includes(translator('fi')('board.filter.text')), 'the page names the search field');
    // A person sees the message next to the search field, the typed text kept to correct, over the whole listing.
    const tooLong = translator('fi')('errors.board_field_too_long', {
      field: translator('fi')('board.filter.text'),
      max: 200,
    });
    assert.ok(page.text.includes(`<span class="visually-hidden">Virhe: </span>${tooLong.replace(/"/g, '&quot;')}</p>`));
    assert.match(page.text, new RegExp(`<input id="f-q"[^>]* value="${'ä'.repeat(201)}"[^>]* aria-invalid="true"`));
    assert.deepEqual(
      [...page.text.matchAll(/href="\/board\/practices\/(\d+)\?lt=/g)].map((m) => Number(m[1])),
      everything.slice(0, 20),
    );
    assert.equal(await Practice.count(), before);
    assert.equal(
      (
        await t
          .request()
          .get(`/board?lt=${developer}&q=${'a'.repeat(200)}`)
          .expect(200)
      ).status,
      200,
      '200 characters are fine',
    );
  });

  it('stops counting at 1,000 matches: says "more than", pages on while full, relevance ranks the newest 1,000', async () => {
    const lt = await openBoard(t, placeBoard(t, { region: 'kainuu', board: 'count-tests' }), 'developer');
    const first = (await Practice.findByPk(await post(lt, { title: 'Laskuri 0' })))!;
    const rows = Array.from({ length: 1004 }, (_, i) => ({
      ...first.get({ plain: true }),
      id: undefined,
      title: `Laskuri ${i + 1}`,
    }));
    await Practice.bulkCreate(rows as never[]);
    // Written in bulk like the benchmark's seed: indexed as the migration indexes.
    await reindexPractices(t.silta.sequelize);
    const more = translator('fi')('board.results_more', { count: 1000 });
    for (const query of ['', 'q=laskuri&sort=newest', 'q=laskuri']) {
      const page = (await t.request().get(`/board?lt=${lt}&${query}&page=50`).expect(200)).text;
      assert.ok(page.includes(more), `${query}: ${more}`);
      assert.equal(
        /rel="next"/.test(page),
        query !== 'q=laskuri',
        `${query}: a next page only where the order goes on`,
      );
    }
    assert.equal((await found(lt, 'page=51')).length, 5, 'past the count, listing pages go on to the last practice');
    // Relevance counts in the statement that ranks; a page past the ranked 1,000 has no row to carry the count.
    const past = (await t.request().get(`/board?lt=${lt}&q=laskuri&page=51`).expect(200)).text;
    assert.deepEqual((await found(lt, 'q=laskuri&page=51')).length, 0, 'relevance ranks 1,000 matches, not 1,001');
    assert.ok(past.includes(more), 'a page past the ranked matches still says "more than 1,000"');
    const ranked = await found(lt, 'q=laskuri&page=50');
    assert.equal(ranked.length, 20);
    assert.ok(
      ranked.every((id) => id > first.id + 4),
      'the five oldest of 1,005 matches are not ranked',
    );
  });
});
