import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { listRegions } from '../../server/domain/regions/region.service';
import type { Region } from '../../server/store/models';
import { SessionNote, SessionParticipant, SessionVote } from '../../server/store/session-models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent } from './admin-fixtures';
import { MODULES, REGION_OF, seedReports, YEAR } from './reports-fixtures';

const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/<[^>]+>/g, '')
    .trim();

/** The rows of the table `table-<key>` on a page: row header → numbers, plus the column headers. */
function tableOf(html: string, key: string): { columns: string[]; rows: Map<string, number[]>; totals?: number[] } {
  const table = new RegExp(`<table[^>]*id="table-${key}"[\\s\\S]*?</table>`).exec(html)?.[0];
  assert.ok(table, `table ${key} is on the page`);
  const columns = [.../<thead>([\s\S]*?)<\/thead>/.exec(table)![1].matchAll(/<th scope="col">([\s\S]*?)<\/th>/g)].map(
    (m) => decode(m[1]),
  );
  const rowsOf = (part: string) =>
    [...part.matchAll(/<tr>\s*<th scope="row">([\s\S]*?)<\/th>([\s\S]*?)<\/tr>/g)].map(
      (m) => [decode(m[1]), [...m[2].matchAll(/<td class="number">(\d+)<\/td>/g)].map((c) => Number(c[1]))] as const,
    );
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1];
  const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(table)?.[1];
  return { columns: columns.slice(1), rows: new Map(rowsOf(body)), totals: foot ? rowsOf(foot)[0]?.[1] : undefined };
}

/** A CSV download as rows of cells (the report CSVs have no quoted fields). */
function csvOf(text: string): string[][] {
  assert.ok(text.startsWith('\uFEFF'), 'a byte order mark for Excel');
  return text
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('admin reports', () => {
  let t: TestSilta;
  let admin: supertest.Agent;
  let regions: Region[];
  let sessionId: number;
  const query = `from=${YEAR.from}&to=${YEAR.to}&lang=en`;
  const label = (code: string) => {
    const region = regions.find((r) => r.code === code)!;
    return `${region.nameEn} (wave ${region.wave})`;
  };
  const moduleTitle = (slug: string) => t.packs.get(slug)!.title.en;

  before(async function () {
    this.timeout(180_000);
    t = await testSilta();
    admin = await adminAgent(t);
    regions = await listRegions();
    ({ sessionId } = await seedReports(t));
  });

  it('needs an admin session: a page without one goes to the login, a CSV too', async () => {
    const page = await t.request().get(`/admin/reports/completions?${query}`).expect(303);
    assert.equal(page.headers.location, '/admin/login');
    const csv = await t.request().get(`/admin/reports/completions/by-region.csv?${query}`).expect(303);
    assert.equal(csv.headers.location, '/admin/login');
  });

  it('shows module completions by region: an SVG chart, then the same numbers in a table and a CSV', async () => {
    const page = await admin.get(`/admin/reports/completions?${query}`).expect(200);
    assert.match(
      page.text,
      /<svg[^>]+id="chart-by-region"[^>]+role="img"[^>]+aria-labelledby="chart-by-region-title chart-by-region-desc"/,
    );
    assert.match(page.text, /<title id="chart-by-region-title">Module completions by region<\/title>/);
    assert.match(page.text, /<desc id="chart-by-region-desc">3 module completions from January 2019 to December 2019/);
    const table = tableOf(page.text, 'by-region');
    assert.deepEqual(table.rows.get(label(REGION_OF.trainee)), [2]);
    assert.deepEqual(table.rows.get(label(REGION_OF.developer)), [1]);
    assert.deepEqual(table.rows.get('No region'), [0]);
    assert.deepEqual(table.totals, [3]);
    // Every region is listed, in wave order, then "no region".
    assert.deepEqual([...table.rows.keys()], [...regions.map((r) => label(r.code)), 'No region']);
    // The chart writes each value next to its label, so colour is not the only carrier.
    assert.match(page.text, new RegExp(`>${label(REGION_OF.trainee).replace(/[()]/g, '\\$&')}</text>`));

    const link = decode(/<a href="([^"]+by-region\.csv[^"]*)" download>/.exec(page.text)![1]);
    const csv = await admin
      .get(link)
      .expect(200)
      .expect('content-type', /text\/csv/);
    assert.match(
      csv.headers['content-disposition'],
      /attachment; filename="silta-completions-by-region-2019-01-2019-12\.csv"/,
    );
    const rows = csvOf(csv.text);
    assert.deepEqual(rows[0], ['Region', 'Completions']);
    assert.deepEqual(
      rows.slice(1, -1).map(([region, n]) => [region, Number(n)]),
      [...table.rows].map(([region, n]) => [region, n[0]]),
    );
    assert.deepEqual(rows.at(-1), ['Total', '3']);
  });

  it('shows module completions by month and module, stacked', async () => {
    const page = await admin.get(`/admin/reports/completions?${query}`).expect(200);
    assert.match(page.text, /<svg[^>]+id="chart-by-month"[^>]+role="img"/);
    const table = tableOf(page.text, 'by-month');
    const [a, b] = MODULES;
    const order: string[] = [...MODULES].sort();
    assert.deepEqual(table.columns, [...order.map(moduleTitle), 'Total']);
    const cell = (month: string, slug: string) => table.rows.get(month)![order.indexOf(slug)];
    assert.equal(table.rows.size, 12);
    assert.equal(cell('February 2019', a), 1);
    assert.equal(cell('April 2019', a), 1);
    assert.equal(cell('April 2019', b), 1);
    assert.deepEqual(table.rows.get('March 2019'), [0, 0, 0]);
    assert.deepEqual(table.totals, [...order.map((slug) => (slug === a ? 2 : 1)), 3]);
    const csv = csvOf((await admin.get(`/admin/reports/completions/by-month.csv?${query}`).expect(200)).text);
    assert.deepEqual(
      csv.find((row) => row[0] === 'April 2019'),
      ['April 2019', '1', '1', '2'],
    );
  });

  it('shows board activity by month and adoption between regions and waves', async () => {
    const page = await admin.get(`/admin/reports/board?${query}`).expect(200);
    for (const id of ['chart-activity', 'chart-adoptions'])
      assert.match(page.text, new RegExp(`<svg[^>]+id="${id}"[^>]+role="img"`));
    const activity = tableOf(page.text, 'activity');
    assert.deepEqual(activity.columns, ['Practices shared', 'Comments', 'Adoptions']);
    assert.deepEqual(activity.rows.get('March 2019'), [1, 0, 0]);
    assert.deepEqual(activity.rows.get('May 2019'), [1, 3, 2]);
    assert.deepEqual(activity.rows.get('June 2019'), [0, 0, 1]);
    assert.deepEqual(activity.totals, [2, 3, 3]);

    const matrix = tableOf(page.text, 'adoptions');
    const from = (origin: string, adopter: string) =>
      matrix.rows.get(label(origin))![matrix.columns.indexOf(label(adopter))];
    assert.equal(from(REGION_OF.trainee, REGION_OF.developer), 1);
    assert.equal(from(REGION_OF.trainee, REGION_OF.teacher), 1);
    assert.equal(from(REGION_OF.developer, REGION_OF.trainee), 1);
    assert.equal(from(REGION_OF.developer, REGION_OF.teacher), 0);
    assert.equal(matrix.totals!.at(-1), 3);
    // The matrix writes each count in its cell.
    assert.match(/<svg[^>]+id="chart-adoptions"[\s\S]*?<\/svg>/.exec(page.text)![0], /fill="#[0-9a-f]{6}">1<\/text>/);

    const waves = tableOf(page.text, 'waves');
    const waveOf = (code: string) => regions.find((r) => r.code === code)!.wave;
    const expected = new Map<string, number>();
    for (const [origin, adopter] of [
      [REGION_OF.trainee, REGION_OF.developer],
      [REGION_OF.trainee, REGION_OF.teacher],
      [REGION_OF.developer, REGION_OF.trainee],
    ]) {
      const key = `${waveOf(origin)} ${waveOf(adopter)}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    for (const [key, count] of expected) {
      const [o, a] = key.split(' ');
      assert.equal(waves.rows.get(`Wave ${o}`)![waves.columns.indexOf(`Wave ${a}`)], count, `wave ${o} → wave ${a}`);
    }

    const csv = csvOf((await admin.get(`/admin/reports/board/adoptions.csv?${query}`).expect(200)).text);
    assert.deepEqual(csv[0], ['Practice from region', ...matrix.columns]);
    assert.deepEqual(
      csv
        .find((row) => row[0] === label(REGION_OF.trainee))!
        .slice(1)
        .map(Number),
      matrix.rows.get(label(REGION_OF.trainee)),
    );
  });

  it('shows session participation by month', async () => {
    const page = await admin.get(`/admin/reports/sessions?${query}`).expect(200);
    assert.match(page.text, /<svg[^>]+id="chart-participation"[^>]+role="img"/);
    const table = tableOf(page.text, 'participation');
    assert.deepEqual(table.columns, ['Sessions', 'Participants', 'Notes', 'Votes']);
    const participants = new Set((await SessionParticipant.findAll({ where: { sessionId } })).map((p) => p.userId))
      .size;
    assert.ok(participants >= 2, 'both participants were recorded');
    const votes = (await SessionVote.findAll({ where: { sessionId } })).reduce((sum, v) => sum + v.count, 0);
    assert.equal(votes, 2);
    assert.equal(await SessionNote.count({ where: { sessionId } }), 3);
    assert.deepEqual(table.rows.get('July 2019'), [1, participants, 3, 2]);
    assert.deepEqual(table.rows.get('June 2019'), [0, 0, 0, 0]);
    const csv = csvOf((await admin.get(`/admin/reports/sessions/participation.csv?${query}`).expect(200)).text);
    assert.deepEqual(
      csv.find((row) => row[0] === 'July 2019'),
      ['July 2019', '1', String(participants), '3', '2'],
    );
  });

  it('limits a report to one platform', async () => {
    const other = await admin
      .get(`/admin/reports/completions?${query}&platform=${encodeURIComponent(t.devPlatform.issuer)}`)
      .expect(200);
    assert.deepEqual(tableOf(other.text, 'by-region').totals, [3]);
    assert.match(other.text, /<option value="[^"]+" selected>/);
  });

  it('refuses a bad period or platform with a clear message, in the page and for a CSV', async () => {
    const cases: [string, RegExp][] = [
      ['from=2019-13&to=2019-12', /“2019-13” is not a month/],
      ['from=2019&to=2019-12', /“2019” is not a month/],
      ['from=2019-06&to=2019-01', /The start month is after the end month/],
      ['from=2000-01&to=2019-12', /A report covers at most 60 months/],
      ['platform=https%3A%2F%2Fnot-registered.example', /No such platform is registered/],
    ];
    for (const [bad, message] of cases) {
      const page = await admin.get(`/admin/reports/board?${bad}&lang=en`).expect(400);
      assert.match(page.text, message, bad);
      assert.match(page.text, /role="alert"/);
      assert.doesNotMatch(page.text, /<svg/, 'no chart for a refused period');
      await admin.get(`/admin/reports/board/activity.csv?${bad}`).expect(400);
    }
    await admin.get(`/admin/reports/nothing?${query}`).expect(400);
    await admin.get(`/admin/reports/board/nothing.csv?${query}`).expect(404);
    await admin.get(`/admin/reports/board?from=${'9'.repeat(50)}`).expect(400);
  });

  it('defaults to the last twelve months, and /admin/reports opens the first report', async () => {
    const start = await admin.get('/admin/reports?lang=en').expect(303);
    assert.equal(start.headers.location, '/admin/reports/completions?lang=en');
    const page = await admin.get('/admin/reports/sessions?lang=en').expect(200);
    assert.equal(tableOf(page.text, 'participation').rows.size, 12);
    assert.match(page.text, /<a href="\/admin\/reports"[^>]*aria-current="page">Reports<\/a>/);
  });
});
