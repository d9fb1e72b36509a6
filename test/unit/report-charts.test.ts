import assert from 'node:assert/strict';
import { addMonths, monthOf, monthsBetween } from '../../server/domain/reports/report-period';
import { toDate } from '../../server/store/raw-date';
import { periodOf } from '../../server/domain/reports/reports.schema';
import { barChart, columnChart, niceStep } from '../../server/domain/reports/svg-chart';
import { heatmap } from '../../server/domain/reports/svg-heatmap';

describe('report charts and periods', () => {
  it('escapes every label, title and description in the SVG', () => {
    const evil = '<script>alert("x")</script>&';
    const svgs = [
      barChart({ id: 'a', title: evil, desc: evil, labels: [evil], values: [1] }),
      columnChart({ id: 'b', title: evil, desc: evil, categories: [evil], series: [evil, 'two'], values: [[1, 2]] }),
      heatmap({ id: 'c', title: evil, desc: evil, rows: [evil], columns: [evil], values: [[1]] }),
    ];
    for (const svg of svgs) {
      assert.ok(!svg.includes('<script>'), svg);
      assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
      assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="\w-title \w-desc"/);
    }
  });

  it('gives each series of a column chart its own pattern and writes the values', () => {
    const svg = columnChart({
      id: 'g',
      title: 't',
      desc: 'd',
      categories: ['1/2019', '2/2019'],
      series: ['x', 'y', 'z'],
      values: [
        [3, 0, 7],
        [1, 2, 0],
      ],
    });
    for (const s of [0, 1, 2])
      assert.ok(svg.includes(`<pattern id="g-s${s}"`) && svg.includes(`fill="url(#g-s${s})"`), `series ${s}`);
    for (const v of [3, 7, 1, 2]) assert.match(svg, new RegExp(`>${v}</text>`));
    const stacked = columnChart({
      id: 's',
      title: 't',
      desc: 'd',
      categories: ['1/2019'],
      series: ['x', 'y'],
      values: [[3, 4]],
      stacked: true,
    });
    assert.match(stacked, />7<\/text>/, 'the stack total');
  });

  it('rounds grid steps and counts months in Finnish time', () => {
    assert.deepEqual(
      [1, 4, 9, 37, 180].map((max) => niceStep(max)),
      [1, 1, 5, 10, 50],
    );
    assert.equal(monthOf(new Date('2026-11-30T22:30:00Z')), '2026-12', 'half past midnight in Helsinki');
    assert.equal(addMonths('2026-11', 3), '2027-02');
    assert.deepEqual(monthsBetween('2026-11', '2027-01'), ['2026-11', '2026-12', '2027-01']);
    assert.equal(toDate('2026-11-23 10:00:00.000 +00:00')!.toISOString(), '2026-11-23T10:00:00.000Z');
  });

  it('reads a period: defaults, and refusals with their codes', () => {
    assert.deepEqual(periodOf({}, [], new Date('2026-11-23T12:00:00Z')).months.length, 12);
    assert.equal(periodOf({}, [], new Date('2026-11-23T12:00:00Z')).from, '2025-12');
    const code = (query: Record<string, string>) => {
      try {
        periodOf(query, ['https://moodle.example.fi']);
        return 'ok';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    assert.equal(code({ from: '2026-1', to: '2026-02' }), 'report_month_invalid');
    assert.equal(code({ from: '2026-03', to: '2026-02' }), 'report_period_reversed');
    assert.equal(code({ from: '2020-01', to: '2026-02' }), 'report_period_too_long');
    assert.equal(code({ platform: 'https://other.example.fi' }), 'report_platform_unknown');
    assert.equal(code({ from: '2026-01', to: '2026-02', platform: 'https://moodle.example.fi' }), 'ok');
  });
});
