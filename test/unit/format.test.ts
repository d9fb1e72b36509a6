import assert from 'node:assert/strict';
import { formatCount, formatLongDate, formatMonth, formatNumber, formatShortDateTime } from '../../server/i18n/format';
import { monthLabel } from '../../server/domain/reports/report-period';
import { formatTime } from '../../server/http/admin/admin-format';

describe('the one formatter', () => {
  // 23:30 UTC on 1 December is already 2 December in Helsinki (UTC+2).
  const lateEvening = new Date('2026-12-01T23:30:00Z');

  it('writes dates in Finnish time, not in UTC', () => {
    assert.equal(formatLongDate('fi', lateEvening), '2. joulukuuta 2026');
    assert.equal(formatLongDate('en', lateEvening), '2 December 2026');
    assert.match(formatShortDateTime('fi', lateEvening), /^2\.12\.2026.*1\.30$/);
    assert.equal(
      formatTime(lateEvening, 'sv'),
      formatShortDateTime('sv', lateEvening),
      'the admin console uses the same formatter',
    );
    assert.equal(formatLongDate('en', lateEvening, 'UTC'), '1 December 2026', 'another zone when a launch asks for it');
  });

  it('names months for tables and chart axes', () => {
    assert.equal(formatMonth('fi', lateEvening, 'long'), 'joulukuu 2026');
    assert.equal(monthLabel('2026-11', 'sv', 'long'), 'november 2026');
    assert.equal(monthLabel('2026-11', 'en', 'short'), '11/2026');
  });

  it("groups numbers the language's way and picks plurals by count", () => {
    assert.equal(formatNumber('fi', 1234.5).replace(/\s/g, ' '), '1 234,5');
    assert.equal(formatNumber('en', 1234.5), '1,234.5');
    assert.equal(formatCount('en', 'board.adopted_by', 1), 'adopted by 1 region');
    assert.equal(formatCount('en', 'board.adopted_by', 2), 'adopted by 2 regions');
    assert.equal(formatCount('sv', 'board.adopted_by', 1), 'införd i 1 område');
    assert.equal(formatCount('sv', 'board.adopted_by', 1500).replace(/\s/g, ' '), 'införd i 1 500 områden');
    assert.equal(formatCount('fi', 'board.comment_count', 1), '1 kommentti');
    assert.equal(formatCount('fi', 'board.comment_count', 3), '3 kommenttia');
  });
});
