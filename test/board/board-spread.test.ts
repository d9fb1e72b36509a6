import assert from 'node:assert/strict';
import { regionName } from '../../server/domain/regions/region.service';
import { translator, type Language } from '../../server/i18n';
import { Practice, PracticeAdoption, Region } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard } from './board-fixtures';

const cellText = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .trim();

/** The header cells and rows (header cell, then data cells) of the page's first table. */
function firstTable(html: string): { head: string[]; rows: string[][]; foot: string[] } {
  const table = /<table class="spread-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => cellText(m[1]));
  const section = (name: string) =>
    [...(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(table)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
      (m) => cells(m[1]),
    );
  return { head: section('thead')[0] ?? [], rows: section('tbody'), foot: section('tfoot')[0] ?? [] };
}

describe('the spread view: how practices travel between regions and waves', () => {
  let t: TestSilta;
  const board = `spread-${Date.now()}`;
  let lt: Record<'karelia' | 'pirkanmaa' | 'kainuu' | 'lappi' | 'teacher', string>;
  let regions: Map<string, Region>;

  // Visible adoptions of this board: origin region → adopting region.
  const FLOWS = [
    ['pohjois-karjala', 'pirkanmaa', 1],
    ['pohjois-karjala', 'kainuu', 2],
    ['pirkanmaa', 'pohjois-karjala', 1],
    ['pirkanmaa', 'lappi', 1],
  ] as const;

  before(async function () {
    this.timeout(120_000);
    t = await testSilta();
    const link = (region: string) => placeBoard(t, { region, board });
    lt = {
      karelia: await openBoard(t, link('pohjois-karjala'), 'developer'),
      pirkanmaa: await openBoard(t, link('pirkanmaa'), 'trainee'),
      kainuu: await openBoard(t, link('kainuu'), 'developer'),
      lappi: await openBoard(t, link('lappi'), 'trainee'),
      teacher: await openBoard(t, link('pohjois-karjala'), 'teacher'),
    };
    const adopt = (who: string, id: number) =>
      t
        .request()
        .post(`/board/practices/${id}/adopt`)
        .type('form')
        .send(form(who, { note: '' }))
        .expect(303);
    const p1 = await createPractice(t, lt.karelia, { region: 'pohjois-karjala' });
    const p2 = await createPractice(t, lt.karelia, { region: 'pohjois-karjala' });
    const p3 = await createPractice(t, lt.pirkanmaa, { region: 'pirkanmaa' });
    const p4 = await createPractice(t, lt.pirkanmaa, { region: 'pirkanmaa' });
    await adopt(lt.pirkanmaa, p1);
    await adopt(lt.kainuu, p1);
    await adopt(lt.kainuu, p2);
    await adopt(lt.karelia, p3);
    await adopt(lt.lappi, p3);
    // A hidden practice and its adoption are not counted.
    await adopt(lt.karelia, p4);
    await t
      .request()
      .post(`/board/practices/${p4}/moderate`)
      .type('form')
      .send(form(lt.teacher, { action: 'hide', reason: 'Tarkistetaan' }))
      .expect(303);
    // Nor is a draft (the board refuses adopting one; this adoption is stored straight, as old data might be).
    const draft = await createPractice(t, lt.karelia, { region: 'pohjois-karjala', status: 'draft' });
    await PracticeAdoption.create({ practiceId: draft, regionCode: 'kainuu', userId: 1, note: '' });
    // Another platform's board of the same name, with an adoption: never counted.
    const foreign = await Practice.create({
      issuer: 'https://other-moodle.example',
      boardKey: board,
      authorId: 1,
      regionCode: 'pohjois-karjala',
      title: 'Vieras',
      summary: 's',
      need: 'n',
      whatWasDone: 'w',
      results: '',
      actors: '[]',
      themes: '[]',
      links: '[]',
      status: 'idea',
      language: 'fi',
    });
    await PracticeAdoption.create({ practiceId: foreign.id, regionCode: 'kainuu', userId: 1, note: '' });
    regions = new Map((await Region.findAll()).map((r) => [r.code, r]));
  });

  const label = (code: string, lang: Language) =>
    `${regionName(regions.get(code)!, lang)} (${translator(lang)('board.wave', { wave: regions.get(code)!.wave })})`;
  /** Regions in the view's order: by wave, then by code. */
  const ordered = (codes: string[]) =>
    [...new Set(codes)].sort((a, b) => regions.get(a)!.wave - regions.get(b)!.wave || a.localeCompare(b));

  it('counts adoptions by region of origin and adopting region, leaving out hidden practices, drafts and other platforms', async () => {
    const page = await t.request().get(`/board/spread?lt=${lt.karelia}`).expect(200);
    assert.match(page.text, /<html lang="fi">/);
    const { head, rows, foot } = firstTable(page.text);
    const adopters = ordered(FLOWS.map((f) => f[1]));
    const origins = ordered(FLOWS.map((f) => f[0]));
    const t_ = translator('fi');
    assert.deepEqual(head, [
      t_('board.spread.origin'),
      ...adopters.map((c) => label(c, 'fi')),
      t_('board.spread.total'),
    ]);
    const expectedRows = origins.map((origin) => {
      const cells = adopters.map((adopter): number => FLOWS.find((f) => f[0] === origin && f[1] === adopter)?.[2] ?? 0);
      return [label(origin, 'fi'), ...cells.map(String), String(cells.reduce((a, b) => a + b, 0))];
    });
    assert.deepEqual(rows, expectedRows);
    assert.deepEqual(foot, [
      t_('board.spread.total'),
      ...adopters.map((a) => String(FLOWS.filter((f) => f[1] === a).reduce((s, f) => s + f[2], 0))),
      '5',
    ]);
    // The picture: an accessible SVG whose description gives the totals.
    assert.match(page.text, /<svg role="img" aria-labelledby="spread-svg-title spread-svg-desc" viewBox="0 0 \d+ \d+"/);
    assert.ok(page.text.includes(t_('board.spread.svg_desc', { adoptions: 5, practices: 3, origins: 2, adopters: 4 })));
    const matrix = /<svg role="img"[\s\S]*?<\/svg>/.exec(page.text)![0];
    assert.equal((matrix.match(/<rect /g) ?? []).length, origins.length * adopters.length);
    assert.ok(page.text.includes(`href="/board/spread.csv?lt=${lt.karelia}"`));
  });

  it('gives totals per rollout wave', async () => {
    const page = await t.request().get(`/board/spread?lt=${lt.karelia}`).expect(200);
    const waves = /<h2 id="spread-waves-heading">[\s\S]*$/.exec(page.text)![0];
    const { rows } = firstTable(waves);
    const waveOf = (code: string) => regions.get(code)!.wave;
    const shared: Record<string, number> = { 'pohjois-karjala': 2, pirkanmaa: 1 };
    const all = [...new Set([...regions.values()].map((r) => r.wave))].sort((a, b) => a - b);
    const sum = (list: readonly (readonly [string, string, number])[]) => list.reduce((s, f) => s + f[2], 0);
    const expected = all.map((wave) => {
      const made = FLOWS.filter((f) => waveOf(f[1]) === wave);
      return [
        translator('fi')('board.wave', { wave }),
        String([...regions.values()].filter((r) => r.wave === wave).length),
        String(
          Object.entries(shared)
            .filter(([code]) => waveOf(code) === wave)
            .reduce((s, [, n]) => s + n, 0),
        ),
        String(sum(FLOWS.filter((f) => waveOf(f[0]) === wave))),
        String(sum(made)),
        String(sum(made.filter((f) => waveOf(f[0]) < wave))),
      ];
    });
    assert.deepEqual(rows, expected);
  });

  it("names the regions in the viewer's language", async () => {
    const page = await t.request().get(`/board/spread?lt=${lt.pirkanmaa}&lang=sv`).expect(200);
    assert.match(page.text, /<html lang="sv">/);
    assert.ok(page.text.includes(label('kainuu', 'sv')), 'Swedish region names');
    assert.ok(page.text.includes(translator('sv')('board.spread.title')));
  });

  it('downloads the same counts as CSV', async () => {
    const csv = await t.request().get(`/board/spread.csv?lt=${lt.karelia}`).buffer(true).expect(200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename="silta-board-spread\.csv"$/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const t_ = translator('fi');
    assert.equal(
      lines[0],
      ['origin_code', 'origin', 'origin_wave', 'adopter_code', 'adopter', 'adopter_wave', 'adoptions']
        .map((k) => t_(`board.spread.csv.${k}`))
        .join(','),
    );
    const rows = lines.slice(1).map((line) => line.split(','));
    assert.deepEqual(rows.map((r) => [r[0], r[3], Number(r[6])]).sort(), FLOWS.map((f) => [f[0], f[1], f[2]]).sort());
    const karelia = rows.find((r) => r[0] === 'pohjois-karjala')!;
    assert.deepEqual(karelia.slice(1, 3), [
      regionName(regions.get('pohjois-karjala')!, 'fi'),
      String(regions.get('pohjois-karjala')!.wave),
    ]);
  });

  it('shows an empty board without a matrix, and refuses a missing launch or a malformed board name', async () => {
    const empty = await openBoard(t, placeBoard(t, { region: 'kainuu', board: `empty-${Date.now()}` }), 'developer');
    const page = await t.request().get(`/board/spread?lt=${empty}`).expect(200);
    assert.ok(page.text.includes(translator('fi')('board.spread.none')));
    assert.ok(!page.text.includes('<svg role="img"'), 'no matrix');
    const csv = await t.request().get(`/board/spread.csv?lt=${empty}`).buffer(true).expect(200);
    assert.equal(
      csv.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n').length,
      1,
      'only the header',
    );

    const before = await PracticeAdoption.count();
    for (const path of ['/board/spread', '/board/spread.csv']) {
      const noLaunch = await t.request().get(`${path}?lt=nope`).set('Accept', 'application/json').expect(401);
      assert.equal(noLaunch.body.error.code, 'session_expired');
      const malformed = await openBoard(t, placeBoard(t, { board: 'Not a Key!' }), 'developer');
      const refused = await t.request().get(`${path}?lt=${malformed}`).set('Accept', 'application/json').expect(404);
      assert.equal(refused.body.error.code, 'board_not_found');
    }
    assert.equal(await PracticeAdoption.count(), before);
  });

  it('is linked from the board page', async () => {
    const page = await t.request().get(`/board?lt=${lt.karelia}`).expect(200);
    assert.ok(
      page.text.includes(`<a href="/board/spread?lt=${lt.karelia}">${translator('fi')('board.spread.link')}</a>`),
    );
  });
});
