import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { GradeOutbox } from '../../server/store/models';
import { gradedLink, queueScore } from '../grades/grade-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, postForm } from './admin-fixtures';

const en = translator('en');

describe('admin console: grade sync', () => {
  let t: TestSilta;
  let agent: supertest.Agent;
  let requeued = 0;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
    // The app's worker is not running in tests; count its wake-ups instead.
    const wake = t.silta.gradeWorker.wake.bind(t.silta.gradeWorker);
    t.silta.gradeWorker.wake = () => {
      requeued++;
      wake();
    };
  });

  /** A failed row with the platform's message, as the worker leaves it after a 400. */
  const failedRow = async () => {
    const target = await gradedLink(t);
    const row = await queueScore(t, target, { scoreGiven: 8 });
    await row.update({
      status: 'failed',
      tries: 3,
      lastError: 'Moodle: user not enrolled in the course',
      lastErrorCode: 'platform_rejected',
    });
    return row;
  };

  it("shows each platform's outbox, the oldest pending age, and the failures with the platform's message", async () => {
    const failed = await failedRow();
    const pending = await queueScore(t, await gradedLink(t), { scoreGiven: 5 });
    // Queued 1000 days (and 10 s) ago: older than any other test's row, and rounding stays on 1 440 000 minutes.
    const minutes = 1000 * 1440;
    await GradeOutbox.update(
      { createdAt: new Date(Date.now() - minutes * 60_000 - 10_000) },
      { where: { id: pending.id }, silent: true },
    );
    const pendingCount = await GradeOutbox.count({
      where: { issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId, status: 'pending' },
    });
    const page = await agent.get('/admin/grades').set('accept-language', 'en').expect(200);
    assert.ok(page.text.includes('Moodle: user not enrolled in the course'));
    assert.ok(page.text.includes(`/admin/grades/${failed.id}/retry`));
    assert.ok(page.text.includes(en('admin.grades.age_minutes', { minutes })), 'the oldest pending row');
    const devRow = page.text.slice(page.text.indexOf(`<code>${t.devPlatform.clientId}</code>`));
    assert.match(
      devRow,
      new RegExp(`^[^]*?<td class="number">${pendingCount}</td>`),
      'the pending count of the platform',
    );
    assert.ok(
      page.text.includes(
        en('admin.grades.send_all_again', {
          name: (await t.silta.registry.find(t.devPlatform.issuer, t.devPlatform.clientId))!.name,
        }),
      ),
    );
  });

  it('sends one failed row again and wakes the worker; a row that is not failed is refused', async () => {
    const row = await failedRow();
    const wakes = requeued;
    const response = await postForm(agent, '/admin/grades', `/admin/grades/${row.id}/retry`);
    assert.equal(response.status, 303);
    assert.equal(response.headers.location, '/admin/grades?done=retried&count=1');
    await row.reload();
    assert.equal(row.status, 'pending');
    assert.equal(row.tries, 0);
    assert.equal(requeued, wakes + 1);
    const again = await postForm(agent, '/admin/grades', `/admin/grades/${row.id}/retry`);
    assert.equal(again.status, 404, 'pending already');
    assert.ok(again.text.includes(en('errors.admin_outbox_row_not_found')));
    assert.equal((await postForm(agent, '/admin/grades', '/admin/grades/0/retry')).status, 400);
    assert.equal((await postForm(agent, '/admin/grades', '/admin/grades/999999/retry')).status, 404);
    assert.equal(requeued, wakes + 1, 'refusals wake nobody');
  });

  it('sends all failed rows of a platform again, and only that platform’s', async () => {
    const rows = [await failedRow(), await failedRow()];
    const other = await failedRow();
    await other.update({ issuer: 'https://other-moodle.example.fi' });
    const response = await postForm(agent, '/admin/grades', '/admin/grades/retry-all', {
      issuer: t.devPlatform.issuer,
      clientId: t.devPlatform.clientId,
    });
    assert.equal(response.status, 303);
    const count = Number(new URL(response.headers.location, t.baseUrl).searchParams.get('count'));
    assert.ok(count >= 2);
    for (const row of rows) assert.equal((await row.reload()).status, 'pending');
    assert.equal((await other.reload()).status, 'failed');
    const page = await agent.get(response.headers.location).set('accept-language', 'en').expect(200);
    assert.ok(page.text.includes(en('admin.grades.retried', { count })));
  });

  it('refuses a retry-all without a platform, changing nothing', async () => {
    const row = await failedRow();
    const cases: Record<string, string>[] = [{}, { issuer: t.devPlatform.issuer }, { issuer: '', clientId: '' }];
    for (const fields of cases) {
      assert.equal(
        (await postForm(agent, '/admin/grades', '/admin/grades/retry-all', fields)).status,
        400,
        JSON.stringify(fields),
      );
    }
    assert.equal((await row.reload()).status, 'failed');
  });
});
