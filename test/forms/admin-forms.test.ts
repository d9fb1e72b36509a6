import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { User } from '../../server/store/models';
import { adminAgent, clearThrottles, csrfOf, newAdmin, postForm } from '../admin/admin-fixtures';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from './form-page';

const en = translator('en');

/** The admin console's remaining forms: a bad value re-renders the form with the summary, never an error page. */
describe('admin forms re-render with an error summary and field messages', () => {
  let t: TestSilta;
  let admin: supertest.Agent;
  before(async () => {
    t = await testSilta();
    await clearThrottles();
    admin = await adminAgent(t);
  });

  it('login: an empty username and an oversize password are named at their fields, the username kept, never the password', async () => {
    const agent = t.request();
    const token = await csrfOf(agent, '/admin/login');
    const page = await agent
      .post('/admin/login')
      .type('form')
      .set('accept-language', 'en')
      .send({ _csrf: token, username: '  ', password: 'x'.repeat(1025) })
      .expect(400);
    const username = en('forms.required', { field: en('admin.login.username') });
    assert.deepEqual(
      errorSummaryOf(page.text).map((l) => l.href),
      ['#username', '#password'],
    );
    assert.equal(fieldMessageOf(page.text, 'username'), username);
    assert.equal(
      fieldMessageOf(page.text, 'password'),
      en('forms.too_long', { field: en('admin.login.password'), max: 1024 }),
    );
    assert.match(
      page.text,
      /<input id="password" name="password" type="password" value=""/,
      'the password is not sent back',
    );
    const long = await agent
      .post('/admin/login')
      .type('form')
      .set('accept-language', 'en')
      .send({ _csrf: token, username: 'ylläpitäjä "pääkäyttäjä"', password: '' })
      .expect(400);
    assert.equal(fieldValueOf(long.text, 'username'), 'ylläpitäjä &quot;pääkäyttäjä&quot;');
    assert.deepEqual(
      errorSummaryOf(long.text).map((l) => l.href),
      ['#password'],
    );
  });

  it('login: wrong details are in the summary, linked to the username, which is kept', async () => {
    const credentials = await newAdmin(t);
    const agent = t.request();
    const token = await csrfOf(agent, '/admin/login');
    const page = await agent
      .post('/admin/login')
      .type('form')
      .set('accept-language', 'en')
      .send({ _csrf: token, username: credentials.username, password: 'not-the-password' })
      .expect(401);
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#username', text: en('errors.admin_login_failed') }]);
    assert.equal(fieldValueOf(page.text, 'username'), credentials.username);
    await clearThrottles();
  });

  it('signing keys: an overlap that is not a number or too long is named at its field, the typed value kept', async () => {
    for (const [typed, message] of [
      ['soon', en('forms.number', { field: en('admin.keys.overlap_hours') })],
      ['721', en('forms.number_max', { field: en('admin.keys.overlap_hours'), max: 720 })],
    ]) {
      const page = await postForm(admin, '/admin/keys', '/admin/keys/rotate', { overlapHours: typed });
      assert.equal(page.status, 400, typed);
      assert.deepEqual(errorSummaryOf(page.text), [{ href: '#overlapHours', text: message }]);
      assert.equal(fieldMessageOf(page.text, 'overlapHours'), message);
      assert.equal(fieldValueOf(page.text, 'overlapHours'), typed);
    }
    const unknown = await postForm(admin, '/admin/keys', '/admin/keys/rotate', {
      overlapHours: '2',
      platformId: '999999',
    });
    assert.equal(unknown.status, 404);
    assert.equal(errorSummaryOf(unknown.text).length, 1, 'a platform that is gone is said in the summary');
    assert.match(unknown.text, /<h1>/, 'on the keys page, not an error page');
  });

  it('grade sync: "send again" of a grade that is not failed, or a forged platform, says why on the page', async () => {
    const gone = await postForm(admin, '/admin/grades', '/admin/grades/999999/retry');
    assert.equal(gone.status, 404);
    assert.deepEqual(errorSummaryOf(gone.text), [{ href: '#main', text: en('errors.admin_outbox_row_not_found') }]);
    const forged = await postForm(admin, '/admin/grades', '/admin/grades/retry-all', {
      issuer: 'x'.repeat(600),
      clientId: 'c',
    });
    assert.equal(forged.status, 400);
    assert.deepEqual(
      errorSummaryOf(forged.text).map((l) => l.href),
      ['#main'],
    );
    assert.ok(forged.text.includes(en('admin.grades.title')), 'the grade sync page itself');
  });

  it('personal data: a forged export form is refused on the person page; nothing is downloaded', async () => {
    const { lt } = await launchSession(t, { persona: 'trainee', courseId: '2' });
    assert.ok(lt);
    const user = (await User.findOne({ where: { issuer: t.devPlatform.issuer, sub: '101' } }))!;
    const page = await postForm(admin, `/admin/people/${user.id}`, `/admin/people/${user.id}/export`, {
      extra: 'field',
    });
    assert.equal(page.status, 400);
    assert.doesNotMatch(String(page.headers['content-disposition'] ?? ''), /attachment/);
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#main', text: en('forms.unknown_problem') }]);
  });
});
