import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { createInvite, register, toolRegistration } from '../../lti/registration';
import { PlatformMeta, RegistrationInvite } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const SECRET = 'test-registration-secret-0123456789';

type FakePlatform = {
  origin: string;
  registrations: { authorization?: string; body: Record<string, unknown> }[];
  close: () => Promise<void>;
};

/** A platform on another origin whose configuration names `issuer` (its own origin by default). */
async function fakePlatform(
  options: {
    issuer?: (origin: string) => string;
    answer?: (body: Record<string, unknown>) => { status: number; body: unknown };
  } = {},
): Promise<FakePlatform> {
  const registrations: FakePlatform['registrations'] = [];
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/moodle/mod/lti/openid-configuration.php') {
      const issuer = options.issuer?.(origin) ?? `${origin}/moodle`;
      send(200, {
        issuer,
        authorization_endpoint: `${origin}/moodle/mod/lti/auth.php`,
        token_endpoint: `${origin}/moodle/mod/lti/token.php`,
        jwks_uri: `${origin}/moodle/mod/lti/certs.php`,
        registration_endpoint: `${origin}/moodle/mod/lti/openid-registration.php`,
        'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'moodle', version: '4.5' },
      });
      return;
    }
    if (req.method === 'POST' && req.url === '/moodle/mod/lti/openid-registration.php') {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        registrations.push({ authorization: req.headers.authorization, body });
        const answer = options.answer?.(body) ?? {
          status: 200,
          body: {
            client_id: `fake-${registrations.length}`,
            application_type: ['web'],
            [TOOL_CONFIGURATION]: { deployment_id: 7 },
          },
        };
        send(answer.status, answer.body);
      });
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, registrations, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const configOf = (fake: FakePlatform) => `${fake.origin}/moodle/mod/lti/openid-configuration.php`;
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

describe('LTI Dynamic Registration', function () {
  // Each registration makes ltijs generate a 4096-bit RSA key pair for the platform, which is slow.
  this.timeout(90_000);
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  /** What Moodle does with "Register tool via URL": adds its parameters and opens the URL. */
  async function registerThroughDevPlatform(toolUrl: string, headers: Record<string, string> = {}) {
    const start = await supertest(t.server)
      .get(`/dev/platform/registration/start?url=${encodeURIComponent(toolUrl)}`)
      .expect(302);
    const location = new URL(start.headers.location as string);
    assert.equal(
      location.searchParams.get('openid_configuration'),
      `${t.devPlatform.issuer}/registration/openid-configuration`,
    );
    assert.ok(location.searchParams.get('registration_token'));
    return t.request().get(pathOf(location.href)).set(headers);
  }

  function assertRegistered(page: supertest.Response) {
    assert.equal(page.status, 200, page.text.slice(0, 500));
  }

  async function devClients() {
    return (await t.silta.registry.list()).filter((p) => p.issuer === t.devPlatform.issuer);
  }

  /** The platform entries added since `before`, checked to be a dynamic registration each. */
  async function addedSince(before: { clientId: string }[]) {
    const added = (await devClients()).filter((p) => !before.some((b) => b.clientId === p.clientId));
    for (const platform of added) assert.equal(platform.registeredBy, 'dynamic');
    return added;
  }

  it('registers with the platform through a one-time invite and says so in Finnish, Swedish and English', async () => {
    const expected = [
      { lang: 'fi', title: 'Silta on rekisteröity', step: 'Hallinnoi työkaluja', finish: 'Valmis' },
      { lang: 'sv', title: 'Silta är registrerad', step: 'Hantera verktyg', finish: 'Slutför' },
      { lang: 'en', title: 'Silta is registered', step: 'Manage tools', finish: 'Finish' },
    ];
    for (const { lang, title, step, finish } of expected) {
      const before = await devClients();
      const invite = await createInvite(t.env.publicUrl);
      assert.match(invite.url, new RegExp(`^${t.env.publicUrl}/lti/register\\?invite=`));
      // Swedish through Accept-Language, the others through ?lang, as the admin's browser would.
      const page =
        lang === 'sv'
          ? await registerThroughDevPlatform(invite.url, { 'accept-language': 'sv-FI,sv;q=0.9' })
          : await registerThroughDevPlatform(`${invite.url}&lang=${lang}`);
      assert.equal(page.status, 200, page.text.slice(0, 500));
      assert.match(page.text, new RegExp(`<html lang="${lang}">`));
      assert.match(page.text, new RegExp(title));
      assert.match(page.text, new RegExp(step));
      assert.match(page.text, new RegExp(`>${finish}</button>`));
      assert.match(page.text, /<script nonce="[^"]+">[\s\S]*org\.imsglobal\.lti\.close/);
      // The platform's dialog may frame the page although the platform is not registered yet.
      assert.match(
        String(page.headers['content-security-policy']),
        new RegExp(`frame-ancestors [^;]*${new URL(t.devPlatform.issuer).origin}`),
      );

      const [added, ...more] = await addedSince(before);
      assert.equal(more.length, 0);
      assert.equal(added.deploymentIds.length, 1);
      assert.ok(page.text.includes(`<code>${added.clientId}</code>`));
      assert.ok(page.text.includes(`<code>${added.deploymentIds[0]}</code>`));
      assert.equal(t.devPlatform.client(added.clientId)?.deploymentId, added.deploymentIds[0]);
      const stored = await RegistrationInvite.findOne({ where: { tokenHash: sha256(invite.token) } });
      assert.ok(stored?.usedAt, 'the invite is used');
      assert.equal(
        (await PlatformMeta.findOne({ where: { issuer: t.devPlatform.issuer, clientId: added.clientId } }))?.product,
        'moodle',
      );
    }
  });

  it('refuses the same invite a second time and stores nothing new', async () => {
    const invite = await createInvite(t.env.publicUrl);
    assertRegistered(await registerThroughDevPlatform(invite.url));
    const before = await devClients();
    const again = await registerThroughDevPlatform(`${invite.url}&lang=fi`);
    assert.equal(again.status, 403);
    assert.match(again.text, /Tämä rekisteröintilinkki ei kelpaa/);
    assert.match(again.text, /Siltaan ei tallennettu mitään/);
    assert.deepEqual(await addedSince(before), []);
  });

  it('lets only one of two concurrent registrations use an invite', async () => {
    const invite = await createInvite(t.env.publicUrl);
    const before = await devClients();
    const pages = await Promise.all([registerThroughDevPlatform(invite.url), registerThroughDevPlatform(invite.url)]);
    assert.deepEqual(pages.map((p) => p.status).sort(), [200, 403]);
    assert.equal((await addedSince(before)).length, 1);
  });

  it('refuses a registration without a credential, with a wrong one or with an expired invite', async () => {
    const expired = await createInvite(t.env.publicUrl);
    await RegistrationInvite.update(
      { expiresAt: new Date(Date.now() - 1000) },
      { where: { tokenHash: sha256(expired.token) } },
    );
    const before = await devClients();
    for (const query of [
      '',
      '?invite=not-an-invite',
      '?secret=wrong-secret-wrong-secret-wrong',
      `?invite=${expired.token}`,
    ]) {
      const page = await registerThroughDevPlatform(
        `${t.env.publicUrl}/lti/register${query}${query ? '&' : '?'}lang=en`,
      );
      assert.equal(page.status, 403, `${query}: ${page.status}`);
      assert.match(page.text, /This registration link is not valid/);
      assert.match(page.text, /registration_invalid_token/);
    }
    assert.deepEqual(await addedSince(before), []);
  });

  it('stores nothing when the platform refuses, and the invite stays usable', async () => {
    const invite = await createInvite(t.env.publicUrl);
    const before = await devClients();
    const config = encodeURIComponent(`${t.devPlatform.issuer}/registration/openid-configuration`);
    const refused = await t
      .request()
      .get(
        `/lti/register?invite=${invite.token}&lang=en&openid_configuration=${config}&registration_token=never-issued`,
      );
    assert.equal(refused.status, 502);
    assert.match(refused.text, /The learning platform refused the registration \(HTTP 401: token_already_used\)/);
    assert.match(refused.text, /Nothing was stored in Silta/);
    assert.deepEqual(await addedSince(before), []);
    assert.equal((await RegistrationInvite.findOne({ where: { tokenHash: sha256(invite.token) } }))?.usedAt, null);

    assertRegistered(await registerThroughDevPlatform(invite.url));
    assert.equal((await addedSince(before)).length, 1);
  });

  it('refuses a platform whose issuer is not at the origin of its configuration', async () => {
    const fake = await fakePlatform({ issuer: () => 'https://moodle.example.fi' });
    try {
      const invite = await createInvite(t.env.publicUrl);
      const page = await t
        .request()
        .get(
          `/lti/register?invite=${invite.token}&lang=en&openid_configuration=${encodeURIComponent(configOf(fake))}&registration_token=x`,
        );
      assert.equal(page.status, 400);
      assert.match(page.text, /issuer https:\/\/moodle\.example\.fi is not at the same address as its configuration/);
      assert.match(String(page.headers['content-security-policy']), new RegExp(`frame-ancestors [^;]*${fake.origin}`));
      assert.equal(fake.registrations.length, 0, 'nothing was sent to the registration endpoint');
      assert.equal(await PlatformMeta.count({ where: { issuer: 'https://moodle.example.fi' } }), 0);
      assert.equal((await RegistrationInvite.findOne({ where: { tokenHash: sha256(invite.token) } }))?.usedAt, null);
    } finally {
      await fake.close();
    }
  });

  it('sends the registration Moodle expects, with the registration token as a bearer token', async () => {
    const fake = await fakePlatform();
    try {
      const page = await t
        .request()
        .get(
          `/lti/register?secret=${SECRET}&openid_configuration=${encodeURIComponent(configOf(fake))}&registration_token=reg-token-1`,
        )
        .expect(200);
      assert.equal(fake.registrations.length, 1);
      const { authorization, body } = fake.registrations[0];
      assert.equal(authorization, 'Bearer reg-token-1');
      const url = t.env.publicUrl;
      assert.equal(body.application_type, 'web');
      assert.deepEqual(body.response_types, ['id_token']);
      assert.deepEqual(body.grant_types, ['implicit', 'client_credentials']);
      assert.equal(body.initiate_login_uri, `${url}/lti/login`);
      assert.deepEqual(body.redirect_uris, [`${url}/lti/launch`]);
      assert.equal(body.jwks_uri, `${url}/lti/keys`);
      assert.equal(body.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal(body.client_name, 'Silta');
      assert.ok(body['client_name#fi'] && body['client_name#sv'] && body['client_name#en']);
      assert.deepEqual(String(body.scope).split(' ').sort(), [
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
      ]);
      const tool = body[TOOL_CONFIGURATION] as Record<string, unknown> & { messages: Record<string, unknown>[] };
      assert.equal(tool.domain, new URL(url).host);
      assert.equal(tool.target_link_uri, `${url}/lti/launch`);
      assert.match(String(tool['description#fi']), /työterveyshuoltoon/);
      assert.match(String(tool['description#sv']), /företagshälsovård/);
      assert.deepEqual(tool.claims, ['iss', 'sub', 'name', 'given_name', 'family_name', 'email', 'locale']);
      assert.deepEqual(
        tool.messages.map((m) => m.type),
        ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'],
      );
      assert.deepEqual(tool.messages[1].placements, ['ContentArea']);
      assert.equal(tool.messages[1]['label#fi'], 'Lisää Siltan sisältöä');

      // Moodle sends the deployment id as a string of its type id; a number is accepted too.
      const stored = await t.silta.registry.find(`${fake.origin}/moodle`, 'fake-1');
      assert.equal(stored?.name, `moodle ${new URL(fake.origin).host}`);
      assert.equal(stored?.authEndpoint, `${fake.origin}/moodle/mod/lti/auth.php`);
      assert.ok(await t.silta.registry.hasDeployment(`${fake.origin}/moodle`, 'fake-1', '7'));
      assert.ok(page.text.includes('<code>fake-1</code>'));
    } finally {
      await fake.close();
    }
  });

  it('reports a platform answer without client id or deployment id as a platform failure', async () => {
    const fake = await fakePlatform({ answer: () => ({ status: 200, body: { client_id: 'no-deployment' } }) });
    try {
      const page = await t
        .request()
        .get(`/lti/register?secret=${SECRET}&lang=sv&openid_configuration=${encodeURIComponent(configOf(fake))}`);
      assert.equal(page.status, 502);
      assert.match(page.text, /Lärplattformens svar innehöll inget klient-ID/);
      assert.equal(fake.registrations[0].authorization, undefined, 'no registration token, no Authorization header');
      assert.equal(await PlatformMeta.count({ where: { issuer: `${fake.origin}/moodle` } }), 0);
    } finally {
      await fake.close();
    }
  });

  it('asks for the platform configuration and refuses addresses that are not URLs', async () => {
    const missing = await t.request().get(`/lti/register?secret=${SECRET}&lang=en`);
    assert.equal(missing.status, 400);
    assert.match(missing.text, /did not include the platform(&#x27;|')s configuration address/);
    assert.match(missing.text, /registration_missing_configuration/);
    const bad = await t
      .request()
      .get(`/lti/register?secret=${SECRET}&lang=en&openid_configuration=ftp%3A%2F%2Fmoodle.example.fi%2Fconfig`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /registration_invalid_configuration_url/);
  });

  it('requires https platforms in production', async () => {
    const deps = { registry: t.silta.registry, publicUrl: 'https://silta.example.fi', allowHttp: false };
    await assert.rejects(register(deps, `${t.devPlatform.issuer}/registration/openid-configuration`), {
      code: 'registration_invalid_configuration_url',
    });
  });

  it('accepts the registration secret from the environment', async () => {
    const before = await devClients();
    const page = await registerThroughDevPlatform(`${t.env.publicUrl}/lti/register?secret=${SECRET}&lang=en`);
    assert.equal(page.status, 200, page.text.slice(0, 500));
    assert.match(page.text, /Silta is registered/);
    assert.equal((await addedSince(before)).length, 1);
  });

  it('keeps several registrations of one issuer side by side, each launchable', async () => {
    const before = await devClients();
    assertRegistered(await registerThroughDevPlatform(`${t.env.publicUrl}/lti/register?secret=${SECRET}`));
    assertRegistered(await registerThroughDevPlatform(`${t.env.publicUrl}/lti/register?secret=${SECRET}`));
    const [first, second] = await addedSince(before);
    assert.ok(first && second);
    assert.notEqual(first.clientId, second.clientId);
    assert.notEqual(first.deploymentIds[0], second.deploymentIds[0]);
    // ltijs made a tool key for each, and Silta publishes both.
    assert.notEqual(first.kid, second.kid);
    const keys = (await t.request().get('/lti/keys').expect(200)).body as { keys: { kid: string }[] };
    for (const kid of [first.kid, second.kid])
      assert.ok(
        keys.keys.some((k) => k.kid === kid),
        `key ${kid} published`,
      );

    for (const { clientId } of [second, first]) {
      const { location } = await launchSession(t, { persona: 'teacher', courseId: '3', locale: 'en' }, clientId);
      const landing = await t.request().get(location).expect(200);
      assert.match(landing.text, /Maria Lindqvist/);
    }
    // The development platform's own registration still launches beside them.
    const { location } = await launchSession(t, { persona: 'teacher', courseId: '3', locale: 'en' });
    await t.request().get(location).expect(200);
  });

  it('has a development platform whose registration endpoint checks the request as Moodle does', async () => {
    const platform = supertest(t.server);
    const good = toolRegistration(t.env.publicUrl);
    const post = (body: unknown, token?: string) => {
      const request = platform.post('/dev/platform/registration/register').send(body as object);
      return token ? request.set('authorization', `Bearer ${token}`) : request;
    };
    assert.equal((await post(good)).status, 401);
    const token = t.devPlatform.issueRegistrationToken();
    const noRedirect = await post({ ...good, redirect_uris: undefined }, token);
    assert.equal(noRedirect.status, 400);
    assert.match(noRedirect.text, /missing required attribute redirect_uris/);
    const secretAuth = await post({ ...good, token_endpoint_auth_method: 'client_secret_basic' }, token);
    assert.equal(secretAuth.status, 400);
    assert.match(secretAuth.text, /invalid_token_endpoint_auth_method/);
    // A refused request does not use up the token; a registration does.
    const registered = await post(good, token);
    assert.equal(registered.status, 200);
    assert.ok(t.devPlatform.client(registered.body.client_id));
    assert.equal((await post(good, token)).status, 401);

    // It opens only Silta's addresses with a registration token (no open redirect).
    await platform
      .get(`/dev/platform/registration/start?url=${encodeURIComponent('https://elsewhere.example/register')}`)
      .expect(400);
    const page = await platform.get(
      `/dev/platform/registration?lang=en&url=${encodeURIComponent('https://elsewhere.example/register')}`,
    );
    assert.equal(page.status, 400);
    assert.doesNotMatch(page.text, /<iframe/);
  });

  it('refuses a login for a client id the platform has but Silta never registered', async () => {
    const client = t.devPlatform.addClient([`${t.env.publicUrl}/lti/launch`]);
    const login = t.devPlatform.startLaunch(
      { persona: 'trainee', courseId: '2', locale: 'fi', messageType: 'LtiResourceLinkRequest' },
      client.clientId,
    );
    const response = await t.request().post('/lti/login').type('form').send(login);
    assert.equal(response.status, 400);
    assert.match(response.text, /lti_unregistered_platform/);
  });
});
