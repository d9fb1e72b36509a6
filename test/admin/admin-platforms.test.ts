import assert from 'node:assert/strict';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from '../forms/form-page';
import crypto from 'node:crypto';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { Deployment, GradeOutbox, PlatformMeta, RegistrationInvite } from '../../server/store/models';
import { gradedLink } from '../grades/grade-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, postForm } from './admin-fixtures';

const en = translator('en');
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

describe('admin console: platforms and registration URLs', () => {
  let t: TestSilta;
  let agent: supertest.Agent;
  let seq = 0;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
  });

  const manual = (overrides: Record<string, string> = {}) => {
    const host = `https://moodle-${++seq}.example.fi`;
    return {
      name: `Moodle ${seq}`,
      issuer: host,
      clientId: `client-${seq}`,
      authUrl: `${host}/mod/lti/auth.php`,
      tokenUrl: `${host}/mod/lti/token.php`,
      jwksUrl: `${host}/mod/lti/certs.php`,
      deploymentIds: `${seq}, ${seq}b`,
      ...overrides,
    };
  };
  const register = async (fields = manual()) => {
    const response = await postForm(agent, '/admin/platforms/new', '/admin/platforms', fields);
    assert.equal(response.status, 303, response.text.slice(0, 300));
    return { fields, id: Number(/\/admin\/platforms\/(\d+)/.exec(response.headers.location)![1]) };
  };
  const platformCount = () => PlatformMeta.count();

  it('lists the platforms with their deployments and shows the values to paste into Moodle', async () => {
    const page = await agent.get('/admin/platforms').set('accept-language', 'en').expect(200);
    assert.ok(page.text.includes(t.devPlatform.issuer));
    assert.ok(page.text.includes(t.devPlatform.deploymentId));
    assert.ok(page.text.includes(en('admin.platforms.registered_by.dev')));
    for (const path of ['/lti/launch', '/lti/login', '/lti/keys'])
      assert.ok(page.text.includes(`${t.baseUrl}${path}`), path);
    assert.match(page.text, /<nav class="admin-nav"[^>]*>[\s\S]*aria-current="page">Platforms</);
  });

  it('registers a platform by hand; Silta then accepts its deployments', async () => {
    const { fields, id } = await register();
    const platform = await t.silta.registry.find(fields.issuer, fields.clientId);
    assert.equal(platform?.name, fields.name);
    assert.equal(platform?.tokenEndpoint, fields.tokenUrl);
    for (const deployment of fields.deploymentIds.split(', '))
      assert.ok(await t.silta.registry.hasDeployment(fields.issuer, fields.clientId, deployment), deployment);
    const page = await agent.get(`/admin/platforms/${id}?done=saved`).set('accept-language', 'en').expect(200);
    assert.ok(page.text.includes(en('admin.platforms.saved')));
  });

  it('refuses a bad registration form, naming the fields, and registers nothing', async () => {
    const before = await platformCount();
    const cases: [Record<string, string>, string[]][] = [
      [manual({ issuer: 'not a url' }), ['issuer']],
      [manual({ tokenUrl: 'ftp://moodle.example.fi/token' }), ['tokenUrl']],
      [manual({ deploymentIds: ' , ' }), ['deploymentIds']],
      [manual({ name: '', clientId: 'x'.repeat(300) }), ['name', 'clientId']],
    ];
    for (const [fields, wrong] of cases) {
      const response = await postForm(agent, '/admin/platforms/new', '/admin/platforms', fields);
      assert.equal(response.status, 400, JSON.stringify(fields));
      // The error summary links to each wrong field, which says what is wrong and keeps what was typed.
      assert.deepEqual(
        errorSummaryOf(response.text).map((l) => l.href),
        wrong.map((f) => `#${f}`),
      );
      for (const field of wrong) assert.ok(fieldMessageOf(response.text, field), field);
      assert.equal(fieldValueOf(response.text, 'authUrl'), fields.authUrl);
    }
    const extra = await postForm(agent, '/admin/platforms/new', '/admin/platforms', { ...manual(), admin: 'yes' });
    assert.equal(extra.status, 400, 'unknown fields are refused');
    assert.equal(await platformCount(), before);
  });

  it('refuses to register the same issuer and client id twice (409)', async () => {
    const { fields } = await register();
    const response = await postForm(agent, '/admin/platforms/new', '/admin/platforms', { ...fields, name: 'Again' });
    assert.equal(response.status, 409);
    assert.ok(response.text.includes(en('errors.admin_platform_exists')));
    assert.equal((await t.silta.registry.find(fields.issuer, fields.clientId))?.name, fields.name);
  });

  it('edits a platform’s name and endpoints; bad input or an unknown platform changes nothing', async () => {
    const { fields, id } = await register();
    const edited = {
      name: 'Renamed Moodle',
      authUrl: fields.authUrl,
      tokenUrl: `${fields.issuer}/token2.php`,
      jwksUrl: fields.jwksUrl,
    };
    assert.equal((await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}`, edited)).status, 303);
    t.silta.registry.forget();
    let stored = await t.silta.registry.find(fields.issuer, fields.clientId);
    assert.equal(stored?.name, 'Renamed Moodle');
    assert.equal(stored?.tokenEndpoint, `${fields.issuer}/token2.php`);

    const bad = await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}`, {
      ...edited,
      name: 'Broken',
      jwksUrl: 'javascript:alert(1)',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      errorSummaryOf(bad.text).map((l) => l.href),
      ['#jwksUrl'],
    );
    assert.equal(fieldValueOf(bad.text, 'name'), 'Broken', 'what was typed is kept');
    const issuerChange = await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}`, {
      ...edited,
      issuer: 'https://elsewhere.example.fi',
    });
    assert.equal(issuerChange.status, 400, 'the issuer cannot be changed');
    t.silta.registry.forget();
    stored = await t.silta.registry.find(fields.issuer, fields.clientId);
    assert.equal(stored?.name, 'Renamed Moodle');
    for (const path of ['/admin/platforms/999999', '/admin/platforms/abc']) {
      const response = await agent.get(path).set('accept-language', 'en');
      assert.equal(response.status, path.endsWith('abc') ? 400 : 404, path);
    }
    assert.equal((await postForm(agent, `/admin/platforms/${id}`, '/admin/platforms/999999', edited)).status, 404);
  });

  it('adds and removes deployments; an unknown deployment or a bad id is refused', async () => {
    const { fields, id } = await register();
    assert.equal(
      (
        await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}/deployments`, {
          deploymentId: 'extra-7',
        })
      ).status,
      303,
    );
    assert.ok(await t.silta.registry.hasDeployment(fields.issuer, fields.clientId, 'extra-7'));
    assert.equal(
      (
        await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}/deployments`, {
          deploymentId: 'has space',
        })
      ).status,
      400,
    );
    const unknown = await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}/deployments/remove`, {
      deploymentId: 'never-added',
    });
    assert.equal(unknown.status, 404);
    assert.ok(unknown.text.includes(en('errors.admin_deployment_not_found')));
    const before = await Deployment.count({ where: { issuer: fields.issuer } });
    assert.equal(
      (
        await postForm(agent, `/admin/platforms/${id}`, `/admin/platforms/${id}/deployments/remove`, {
          deploymentId: 'extra-7',
        })
      ).status,
      303,
    );
    assert.equal(await Deployment.count({ where: { issuer: fields.issuer } }), before - 1);
    t.silta.registry.forget();
    assert.equal(
      await t.silta.registry.hasDeployment(fields.issuer, fields.clientId, 'extra-7'),
      false,
      'launches from it are refused now',
    );
  });

  it('removes a platform with undelivered grades only after confirmation, keeping the grades', async () => {
    const { fields, id } = await register();
    const target = await gradedLink(t);
    const base = {
      resourceLinkId: target.resourceLinkId,
      userId: target.userId,
      attemptId: null,
      lineItemUrl: null,
      lineitemsUrl: null,
      scoreGiven: 7,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: new Date().toISOString(),
      nextAttemptAt: new Date(),
      lastError: null,
      sentAt: null,
    };
    await GradeOutbox.bulkCreate([
      { ...base, issuer: fields.issuer, clientId: fields.clientId, status: 'pending' },
      { ...base, issuer: fields.issuer, clientId: fields.clientId, status: 'failed', lastError: '400 bad' },
      { ...base, issuer: fields.issuer, clientId: fields.clientId, status: 'sent', sentAt: new Date() },
    ]);
    const snapshot = async () =>
      (await GradeOutbox.findAll({ where: { issuer: fields.issuer }, order: [['id', 'ASC']] })).map(
        (r) => `${r.id}:${r.status}:${r.tries}`,
      );
    const rows = await snapshot();

    const page = await agent.get(`/admin/platforms/${id}/remove`).set('accept-language', 'en').expect(200);
    assert.ok(
      page.text.includes(en('admin.platforms.pending_warning', { count: 2 })),
      'warns with the count of pending and failed grades',
    );
    const unconfirmed = await postForm(agent, `/admin/platforms/${id}/remove`, `/admin/platforms/${id}/remove`);
    assert.equal(unconfirmed.status, 400);
    assert.ok(unconfirmed.text.includes(en('errors.admin_confirmation_required')));
    assert.ok(await t.silta.registry.find(fields.issuer, fields.clientId), 'still registered');
    assert.equal(
      (await postForm(agent, `/admin/platforms/${id}/remove`, `/admin/platforms/${id}/remove`, { confirm: 'on' }))
        .status,
      400,
      'only "yes" confirms',
    );

    const removed = await postForm(agent, `/admin/platforms/${id}/remove`, `/admin/platforms/${id}/remove`, {
      confirm: 'yes',
    });
    assert.equal(removed.status, 303);
    t.silta.registry.forget();
    assert.equal(await t.silta.registry.find(fields.issuer, fields.clientId), undefined);
    assert.equal(await Deployment.count({ where: { issuer: fields.issuer } }), 0);
    assert.deepEqual(await snapshot(), rows, 'every grade row is kept as it was');
    assert.equal((await agent.get(`/admin/platforms/${id}/remove`)).status, 404);
  });

  it('issues a one-time registration URL shown once, lists it, and revokes it', async () => {
    const response = await postForm(agent, '/admin/platforms', '/admin/platforms/invites', { hours: '2' });
    assert.equal(response.status, 201);
    const url = /<output id="created-url" class="secret-url">([^<]+)<\/output>/
      .exec(response.text)?.[1]
      ?.replace(/&#x3D;/g, '=');
    assert.ok(url?.startsWith(`${t.baseUrl}/lti/register?invite=`), String(url));
    const token = new URL(url!).searchParams.get('invite')!;
    const invite = await RegistrationInvite.findOne({ where: { tokenHash: sha256(token) } });
    assert.ok(
      invite &&
        invite.expiresAt.getTime() - Date.now() > 3600_000 &&
        invite.expiresAt.getTime() - Date.now() <= 2 * 3600_000,
    );
    const list = await agent.get('/admin/platforms').expect(200);
    assert.ok(!list.text.includes(token), 'not shown again');
    assert.ok(list.text.includes(`/admin/platforms/invites/${invite.id}/revoke`));

    assert.equal(
      (await postForm(agent, '/admin/platforms', `/admin/platforms/invites/${invite.id}/revoke`)).status,
      303,
    );
    assert.equal(await RegistrationInvite.count({ where: { id: invite.id } }), 0);
    assert.equal(
      (await postForm(agent, '/admin/platforms', `/admin/platforms/invites/${invite.id}/revoke`)).status,
      404,
      'revoked already',
    );
    const register = await t
      .request()
      .get(
        `/lti/register?invite=${token}&openid_configuration=${encodeURIComponent(`${t.devPlatform.issuer}/.well-known/openid-configuration`)}`,
      );
    assert.equal(register.status, 403, 'a revoked URL registers nothing');
  });

  it('refuses a bad validity and does not revoke a used URL', async () => {
    const before = await RegistrationInvite.count();
    for (const hours of ['0', '721', 'abc', '1.5'])
      assert.equal(
        (await postForm(agent, '/admin/platforms', '/admin/platforms/invites', { hours })).status,
        400,
        hours,
      );
    assert.equal(await RegistrationInvite.count(), before);
    const used = await RegistrationInvite.create({
      tokenHash: sha256(`used-${Date.now()}`),
      expiresAt: new Date(Date.now() + 3600_000),
      usedAt: new Date(),
    });
    assert.equal((await postForm(agent, '/admin/platforms', `/admin/platforms/invites/${used.id}/revoke`)).status, 404);
    assert.equal(await RegistrationInvite.count({ where: { id: used.id } }), 1);
  });
});
