import assert from 'node:assert/strict';
import { Op } from 'sequelize';
import {
  authenticate,
  ACCOUNT_FAILURE_LIMIT,
  ADDRESS_FAILURE_LIMIT,
  FIRST_LOCK_MS,
} from '../../server/domain/admin/admin-auth.service';
import { SiltaError } from '../../server/errors';
import { DatabaseSessionStore } from '../../server/http/admin/session-store';
import { translator } from '../../server/i18n';
import { AdminLoginThrottle, AdminSession, AdminUser } from '../../server/store/admin-models';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, clearThrottles, csrfOf, logIn, newAdmin, postForm } from './admin-fixtures';

const en = translator('en');
const cookieOf = (response: { headers: Record<string, unknown> }) =>
  ([] as string[])
    .concat((response.headers['set-cookie'] as string[] | undefined) ?? [])
    .find((c) => c.startsWith('silta_admin='));

describe('admin console: login, session, CSRF', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });
  afterEach(clearThrottles);

  it('sends a visitor without a session to the login page, in the language of Accept-Language', async () => {
    for (const path of [
      '/admin',
      '/admin/platforms',
      '/admin/grades',
      '/admin/keys',
      '/admin/regions',
      '/admin/content',
    ]) {
      const response = await t.request().get(path).expect(303);
      assert.equal(response.headers.location, '/admin/login', path);
    }
    const page = await t.request().get('/admin/login').set('accept-language', 'sv-FI,sv;q=0.9').expect(200);
    assert.match(page.text, /<html lang="sv">/);
    assert.ok(page.text.includes(translator('sv')('admin.login.title')));
    assert.ok(!page.text.includes('admin-nav'), 'no menu before login');
  });

  it('is never framed or cached, and its cookie is HttpOnly, SameSite=Strict and limited to /admin', async () => {
    const page = await t.request().get('/admin/login').expect(200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self'(;|$)/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['cache-control'], 'no-store');
    const cookie = cookieOf(page)!;
    assert.ok(cookie, 'the login page starts a session for its CSRF token');
    assert.match(cookie, /; Path=\/admin/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    // LTI pages keep their own policy.
    const home = await t.request().get('/').expect(200);
    assert.doesNotMatch(String(home.headers['content-security-policy']), /frame-ancestors 'none'/);
  });

  it('logs an admin in with a new session id, records the login and shows the console in the chosen language', async () => {
    const credentials = await newAdmin(t);
    const agent = t.request();
    const before = cookieOf(await agent.get('/admin/login'))!;
    const token = await csrfOf(agent, '/admin/login');
    const response = await agent
      .post('/admin/login')
      .type('form')
      .send({ _csrf: token, username: ` ${credentials.username.toUpperCase()} `, password: credentials.password })
      .expect(303);
    assert.equal(response.headers.location, '/admin');
    const after = cookieOf(response)!;
    assert.notEqual(after.split(';')[0], before.split(';')[0], 'session id regenerated at login');
    assert.ok(
      (await AdminUser.findOne({ where: { username: credentials.username } }))!.lastLoginAt,
      'last login recorded',
    );
    const page = await agent.get('/admin/platforms?lang=fi').set('accept-language', 'en').expect(200);
    assert.match(page.text, /<html lang="fi">/);
    assert.ok(page.text.includes(translator('fi')('admin.signed_in_as', { username: credentials.username })));
    // The choice stays for the session.
    assert.match((await agent.get('/admin/regions').set('accept-language', 'en').expect(200)).text, /<html lang="fi">/);
  });

  it('refuses a wrong password and an unknown username with the same message, and no session', async () => {
    const credentials = await newAdmin(t);
    for (const attempt of [
      { ...credentials, password: `${credentials.password}x` },
      { username: 'nobody-here', password: credentials.password },
    ]) {
      const agent = t.request();
      const response = await logIn(agent, attempt);
      assert.equal(response.status, 401);
      assert.ok(response.text.includes(en('errors.admin_login_failed')));
      assert.match(response.text, new RegExp(`value="${attempt.username}"`), 'the username stays in the form');
      assert.equal((await agent.get('/admin/platforms')).status, 303, 'still not logged in');
    }
    assert.equal(
      (await AdminLoginThrottle.findByPk('account:nobody-here'))!.failures,
      1,
      'unknown names are counted too',
    );
  });

  it(`locks an account after ${ACCOUNT_FAILURE_LIMIT} failures, even for the right password, and opens it after the lock`, async () => {
    const credentials = await newAdmin(t);
    const agent = t.request();
    for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++)
      assert.equal((await logIn(agent, { ...credentials, password: 'wrong-password-123' })).status, 401);
    const locked = await logIn(agent, { ...credentials, password: 'wrong-password-123' });
    assert.equal(locked.status, 429, 'the failure that reaches the limit says so');
    assert.ok(locked.text.includes(en('errors.admin_login_locked', { minutes: FIRST_LOCK_MS / 60_000 })));
    const right = await logIn(agent, credentials);
    assert.equal(right.status, 429, 'the right password does not pass a lock');
    assert.equal((await agent.get('/admin/platforms')).status, 303);
    const later = new Date(Date.now() + FIRST_LOCK_MS + 60_000);
    const admin = await authenticate({
      sequelize: t.silta.sequelize,
      ...credentials,
      address: '127.0.0.1',
      now: later,
    });
    assert.equal(admin.username, credentials.username);
    assert.equal(
      await AdminLoginThrottle.count({ where: { key: `account:${credentials.username}` } }),
      0,
      'a success clears the account',
    );
  });

  it(`locks a client address after ${ADDRESS_FAILURE_LIMIT} failures across usernames (brute force from one IP)`, async () => {
    const victim = await newAdmin(t);
    const agent = t.request();
    let last;
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++)
      last = await logIn(agent, { username: `guess-${i}`, password: 'a-guessed-password' });
    assert.equal(last!.status, 429);
    const row = await AdminLoginThrottle.findOne({ where: { key: 'address:127.0.0.1' } });
    assert.ok(row?.lockedUntil && row.lockedUntil > new Date());
    const fresh = t.request();
    assert.equal((await logIn(fresh, victim)).status, 429, 'an untouched account is refused from that address');
    assert.equal((await fresh.get('/admin/platforms')).status, 303);
    await assert.rejects(
      authenticate({ sequelize: t.silta.sequelize, ...victim, address: '127.0.0.1' }),
      (e: SiltaError) => e.code === 'admin_login_locked',
    );
    const other = await authenticate({ sequelize: t.silta.sequelize, ...victim, address: '192.0.2.7' });
    assert.equal(other.username, victim.username, 'another address is not locked');
  });

  it('refuses every form without or with a wrong CSRF token (403), changing nothing', async () => {
    const credentials = await newAdmin(t);
    const anonymous = t.request();
    const noSession = await anonymous.post('/admin/login').type('form').set('accept-language', 'en').send(credentials);
    assert.equal(noSession.status, 403);
    assert.ok(noSession.text.includes(en('errors.admin_csrf_invalid')));
    await csrfOf(anonymous, '/admin/login');
    assert.equal(
      (
        await anonymous
          .post('/admin/login')
          .type('form')
          .send({ ...credentials, _csrf: 'forged' })
      ).status,
      403,
    );
    assert.equal((await anonymous.get('/admin/platforms')).status, 303, 'not logged in');
    assert.equal((await AdminUser.findOne({ where: { username: credentials.username } }))!.lastLoginAt, null);

    const agent = await adminAgent(t);
    const kidBefore = (await t.silta.registry.list()).map((p) => p.kid).join();
    for (const fields of [{}, { _csrf: 'wrong-token' }]) {
      const response = await agent
        .post('/admin/keys/rotate')
        .type('form')
        .send({ overlapHours: '1', ...fields });
      assert.equal(response.status, 403);
    }
    const wrongHeader = await agent
      .post('/admin/keys/rotate')
      .set('x-csrf-token', 'nope')
      .type('form')
      .send({ overlapHours: '1' });
    assert.equal(wrongHeader.status, 403);
    assert.equal((await t.silta.registry.list()).map((p) => p.kid).join(), kidBefore, 'no key rotated');
    const invites = await agent.post('/admin/platforms/invites').type('form').send({ hours: '2' });
    assert.equal(invites.status, 403);
  });

  it("does not open for an LTI launch session (lt), even an administrator's", async () => {
    const { lt } = await launchSession(t, { persona: 'admin' });
    const page = await t.request().get(`/admin/platforms?lt=${lt}`);
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/admin/login');
    const bearer = await t.request().get('/admin/grades').set('authorization', `Bearer ${lt}`);
    assert.equal(bearer.status, 303);
    const post = await t.request().post('/admin/platforms/invites').type('form').send({ lt, hours: '2' });
    assert.equal(post.status, 403);
    // With a session but no login, a correct CSRF token still does not pass.
    const agent = t.request();
    const token = await csrfOf(agent, '/admin/login');
    const unauthenticated = await agent
      .post('/admin/keys/rotate')
      .type('form')
      .set('accept', 'application/json')
      .send({ _csrf: token, overlapHours: '1', lt });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.body.error.code, 'admin_login_required');
  });

  it('logs out with a POST carrying the token; without it the admin stays logged in', async () => {
    const agent = await adminAgent(t);
    assert.equal((await agent.post('/admin/logout').type('form').send({})).status, 403);
    assert.equal((await agent.get('/admin/platforms')).status, 200, 'still logged in');
    const sessions = await AdminSession.count();
    const out = await postForm(agent, '/admin/platforms', '/admin/logout');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/admin/login');
    assert.equal(await AdminSession.count(), sessions - 1, 'the session row is gone');
    assert.equal((await agent.get('/admin/platforms')).status, 303);
  });

  it('ends a session after the idle timeout, and prunes expired sessions', async () => {
    const credentials = await newAdmin(t);
    const agent = t.request();
    await logIn(agent, credentials);
    assert.equal((await agent.get('/admin/content')).status, 200);
    const past = new Date(Date.now() - 1000);
    // Only this admin's session (passport keeps the admin id in it): other tests' sessions stay.
    const { id } = (await AdminUser.findOne({ where: { username: credentials.username } }))!;
    const [expired] = await AdminSession.update(
      { expiresAt: past },
      { where: { data: { [Op.like]: `%"passport":{"user":${id}}%` } } },
    );
    assert.equal(expired, 1);
    assert.equal((await agent.get('/admin/content')).status, 303);
    assert.ok((await new DatabaseSessionStore(t.silta.sequelize, 60_000).prune()) >= 1);
    assert.equal(await AdminSession.count({ where: { expiresAt: past } }), 0);
  });
});
