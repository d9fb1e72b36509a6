import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { Deployment, LaunchSession, PlatformMeta } from '../../server/store/models';
import { launchSession, loginAndAuthorize, openedAddress } from '../helpers/launch';
import { assertRejection, postLaunch } from '../helpers/rejections';
import { testSilta, type TestSilta } from '../helpers/test-app';

const OTHER = { issuer: 'https://moodle.embedding-test.example', clientId: 'embedding-test-client' };

/** The value of one CSP directive, as its list of sources. */
function directive(response: Response, name: string): string[] {
  const csp = String(response.headers['content-security-policy'] ?? '');
  const found = csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([key]) => key === name);
  assert.ok(found, `CSP has ${name}: ${csp}`);
  return found.slice(1);
}

describe('embedding in Moodle and HTTP basics', () => {
  let t: TestSilta;
  let platformOrigin: string;

  before(async () => {
    t = await testSilta();
    platformOrigin = new URL(t.devPlatform.issuer).origin;
    // A second registered platform: every registered origin may frame Silta.
    await t.silta.registry.register({
      ...OTHER,
      name: 'Embedding test Moodle',
      authEndpoint: `${OTHER.issuer}/mod/lti/auth.php`,
      tokenEndpoint: `${OTHER.issuer}/mod/lti/token.php`,
      jwksUrl: `${OTHER.issuer}/mod/lti/certs.php`,
      deploymentIds: ['7'],
      registeredBy: 'manual',
    });
  });
  after(async () => {
    await t.silta.lti.deletePlatform(OTHER.issuer, OTHER.clientId);
    await PlatformMeta.destroy({ where: OTHER });
    await Deployment.destroy({ where: OTHER });
    t.silta.registry.forget();
  });

  /** Every kind of page Silta serves: public, launched, deep linking, errors. */
  async function pages() {
    const learner = await launchSession(t);
    const teacher = await launchSession(t, { persona: 'teacher', messageType: 'LtiDeepLinkingRequest' });
    return {
      home: await t.request().get('/'),
      app: await t.request().get(learner.location),
      picker: await t.request().get(teacher.location),
      notFound: await t.request().get('/no-such-page'),
      expired: await t.request().get('/app?lt=x'),
    };
  }

  it('lets only Silta and the registered platforms frame every page, without X-Frame-Options', async () => {
    for (const [name, response] of Object.entries(await pages())) {
      const ancestors = directive(response, 'frame-ancestors');
      assert.ok(ancestors.includes("'self'"), `${name}: 'self'`);
      assert.ok(ancestors.includes(platformOrigin), `${name}: the development platform ${platformOrigin}`);
      assert.ok(ancestors.includes(OTHER.issuer), `${name}: the other registered platform`);
      assert.ok(!ancestors.includes('*') && !ancestors.some((a) => /^https?:$/.test(a)), `${name}: no wildcard`);
      assert.equal(response.headers['x-frame-options'], undefined, `${name}: no X-Frame-Options`);
    }
  });

  it('sends pages without an ETag (their nonce changes every time) and static files with one', async () => {
    for (const [name, response] of Object.entries(await pages()))
      assert.equal(response.headers.etag, undefined, `${name}: no ETag`);
    const script = await t.request().get('/public/js/board-live.js').expect(200);
    assert.ok(script.headers.etag, 'a static file keeps its ETag');
    await t.request().get('/public/js/board-live.js').set('If-None-Match', script.headers.etag).expect(304);
  });

  it('lets forms post to Silta and to the registered platforms only', async () => {
    const { picker } = await pages();
    const actions = directive(picker, 'form-action');
    assert.ok(actions.includes("'self'"));
    assert.ok(actions.includes(platformOrigin));
    assert.ok(actions.includes(OTHER.issuer));
    assert.ok(!actions.includes('*'));
  });

  it('sets no cookie on the login, the launch and the pages', async () => {
    const { idToken, state, authUrl } = await loginAndAuthorize(t);
    const login = await t
      .request()
      .post('/lti/login')
      .type('form')
      .send(
        t.devPlatform.startLaunch({
          persona: 'trainee',
          courseId: '2',
          locale: 'fi',
          messageType: 'LtiResourceLinkRequest',
        }),
      );
    assert.equal(login.status, 302);
    assert.ok(authUrl.searchParams.get('state'), 'the state travels in the URL, not in a cookie');
    const launched = await postLaunch(t, { id_token: idToken, state });
    assert.equal(launched.status, 200);
    const responses = { login, launched, ...(await pages()), app: await t.request().get(openedAddress(launched)!) };
    for (const [name, response] of Object.entries(responses))
      assert.equal(response.headers['set-cookie'], undefined, `${name} sets no cookie`);
  });

  it('builds the redirect URI from PUBLIC_URL, whatever X-Forwarded-* headers say', async () => {
    const login = await t
      .request()
      .post('/lti/login')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'attacker.example')
      .type('form')
      .send(
        t.devPlatform.startLaunch({
          persona: 'trainee',
          courseId: '2',
          locale: 'fi',
          messageType: 'LtiResourceLinkRequest',
        }),
      )
      .expect(302);
    assert.equal(new URL(login.headers.location).searchParams.get('redirect_uri'), `${t.baseUrl}/lti/launch`);
  });

  it('trusts X-Forwarded-Proto from the proxy hops TRUST_PROXY names, and from nobody by default', () => {
    // No route shows req.protocol, so this checks the function express uses to compute it.
    const logger = createLogger('silent');
    const build = (trustProxy: boolean | number | string) =>
      createApp({
        env: { ...t.env, trustProxy },
        sequelize: t.silta.sequelize,
        lti: t.silta.lti,
        registry: t.silta.registry,
        logger,
        modules: t.silta.modules,
      });
    const trusts = (trustProxy: boolean | number | string, address: string) =>
      (build(trustProxy).get('trust proxy fn') as (addr: string, hop: number) => boolean)(address, 0);
    assert.equal(trusts(false, '127.0.0.1'), false);
    assert.equal(trusts(true, '203.0.113.9'), true);
    assert.equal(trusts(1, '127.0.0.1'), true);
    assert.equal(trusts('loopback', '127.0.0.1'), true);
    assert.equal(trusts('loopback', '203.0.113.9'), false);
    assert.equal(t.silta.app.get('trust proxy'), t.env.trustProxy);
  });

  it('answers /healthz and /readyz with JSON 200', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await t.request().get(path).expect(200);
      assert.match(String(response.headers['content-type']), /application\/json/);
      assert.match(String(response.body.status), /^(ok|ready)$/);
    }
    assert.equal((await t.request().get('/readyz')).body.database, 'ok');
  });

  it('shows a 404 page in the requested language for an unknown path', async () => {
    assertRejection(await t.request().get('/no-such-page?lang=sv'), { status: 404, code: 'not_found', lang: 'sv' });
    assertRejection(await t.request().get('/lti/nothing-here').set('Accept-Language', 'en-GB,en;q=0.8'), {
      status: 404,
      code: 'not_found',
      lang: 'en',
    });
    assertRejection(await t.request().get('/no-such-page').set('Accept', 'application/json'), {
      status: 404,
      code: 'not_found',
      lang: 'fi',
    });
  });

  it('answers 401 session_expired for a forged, malformed or expired launch-session token', async () => {
    assertRejection(await t.request().get(`/app?lt=${'A'.repeat(32)}&lang=en`), {
      status: 401,
      code: 'session_expired',
      lang: 'en',
    });
    assertRejection(await t.request().get('/app?lt[]=x').set('Accept-Language', 'sv'), {
      status: 401,
      code: 'session_expired',
      lang: 'sv',
    });
    assertRejection(await t.request().get('/app'), { status: 401, code: 'session_expired', lang: 'fi' });
    const { lt, location } = await launchSession(t, { locale: 'sv' });
    await t.request().get(location).expect(200);
    await LaunchSession.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: lt } });
    assertRejection(await t.request().get(location).set('Accept-Language', 'en'), {
      status: 401,
      code: 'session_expired',
      lang: 'en',
    });
    assertRejection(await t.request().get(`/lti/deep-link?lt=${lt}`).set('Accept', 'application/json'), {
      status: 401,
      code: 'session_expired',
      lang: 'fi',
    });
  });
});
