import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type supertest from 'supertest';
import { purgeRetiredKeys, rotateToolKeys } from '../../lti/key-rotation';
import { translator } from '../../server/i18n';
import { RetiredToolKey } from '../../server/store/admin-models';
import { PlatformMeta } from '../../server/store/models';
import { formFields, launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, postForm } from './admin-fixtures';

const en = translator('en');

describe('admin console: signing key rotation', function () {
  // Each rotation makes a 4096-bit RSA key pair, seconds on a small machine.
  this.timeout(90_000);
  let t: TestSilta;
  let agent: supertest.Agent;
  let devPlatformId: number;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
    devPlatformId = (await PlatformMeta.findOne({
      where: { issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId },
    }))!.id;
  });

  const kids = async () =>
    ((await (await fetch(`${t.baseUrl}/lti/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const currentKid = async () => {
    t.silta.registry.forget();
    return (await t.silta.registry.find(t.devPlatform.issuer, t.devPlatform.clientId))!.kid;
  };
  /** A deep-linking response signed by Silta for the development platform. */
  const deepLinkResponse = async () => {
    const { lt } = await launchSession(t, {
      persona: 'teacher',
      courseId: '3',
      locale: 'en',
      messageType: 'LtiDeepLinkingRequest',
    });
    const response = await t.request().post('/lti/deep-link').type('form').send(`lt=${lt}&items=board`).expect(200);
    return formFields(response.text).JWT;
  };
  /** The client assertion of Silta's next token request to the development platform. */
  const nextAssertion = async () => {
    const auth = t.devPlatform.auth;
    const original = auth.issueToken.bind(auth);
    let assertion: string | undefined;
    auth.issueToken = (form: Record<string, unknown>) => {
      assertion = String(form.client_assertion);
      return original(form);
    };
    try {
      const platform = await t.silta.registry.ltijsPlatform(t.devPlatform.issuer, t.devPlatform.clientId);
      const token = await platform.platformAccessToken('https://purl.imsglobal.org/spec/lti-ags/scope/score');
      assert.ok(token.access_token, 'the platform accepted the assertion');
    } finally {
      auth.issueToken = original;
    }
    return assertion!;
  };

  it("rotates a platform's key: the JWKS serves the new and the previous key, and Silta signs with the new one", async () => {
    const previous = await currentKid();
    assert.equal(decodeProtectedHeader(await deepLinkResponse()).kid, previous);
    await nextAssertion();

    const response = await postForm(agent, '/admin/keys', '/admin/keys/rotate', {
      overlapHours: '6',
      platformId: String(devPlatformId),
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.location, '/admin/keys?done=rotated&count=1');
    const kid = await currentKid();
    assert.notEqual(kid, previous);
    const published = await kids();
    assert.ok(published.includes(kid) && published.includes(previous), 'both keys published during the overlap');

    const jwt = await deepLinkResponse();
    assert.equal(decodeProtectedHeader(jwt).kid, kid, 'deep-linking responses carry the new kid');
    await jwtVerify(jwt, createRemoteJWKSet(new URL(`${t.baseUrl}/lti/keys`)), {
      issuer: t.devPlatform.clientId,
      audience: t.devPlatform.issuer,
    });
    assert.equal(
      decodeProtectedHeader(await nextAssertion()).kid,
      kid,
      'token assertions carry the new kid (the cached token was dropped)',
    );

    const retired = await RetiredToolKey.findByPk(previous);
    assert.equal(retired?.replacedBy, kid);
    const hours = (retired!.removeAfter.getTime() - retired!.retiredAt.getTime()) / 3600_000;
    assert.equal(hours, 6);
    const page = await agent.get('/admin/keys?done=rotated&count=1').set('accept-language', 'en').expect(200);
    assert.ok(page.text.includes(en('admin.keys.rotated', { count: 1 })));
    assert.ok(page.text.includes(previous) && page.text.includes(kid));
  });

  it('removes the previous key from the JWKS once the overlap has ended', async () => {
    const previous = await currentKid();
    await rotateToolKeys({
      lti: t.silta.lti,
      registry: t.silta.registry,
      secretKey: t.env.secretKey,
      overlapHours: 6,
      only: t.devPlatform,
    });
    assert.equal(await purgeRetiredKeys(t.silta.lti), 0, 'not before its time');
    assert.ok((await kids()).includes(previous));
    assert.ok((await purgeRetiredKeys(t.silta.lti, new Date(Date.now() + 7 * 3600_000))) >= 1);
    assert.ok(!(await kids()).includes(previous));
    assert.ok((await kids()).includes(await currentKid()), 'the current key stays');
    await nextAssertion();
  });

  it('refuses a bad overlap or an unknown platform, rotating nothing', async () => {
    const before = await currentKid();
    const published = (await kids()).length;
    for (const overlapHours of ['0', '721', 'soon', '']) {
      const response = await postForm(agent, '/admin/keys', '/admin/keys/rotate', {
        overlapHours,
        platformId: String(devPlatformId),
      });
      assert.equal(response.status, 400, overlapHours);
    }
    assert.equal(
      (await postForm(agent, '/admin/keys', '/admin/keys/rotate', { overlapHours: '2', platformId: '999999' })).status,
      404,
    );
    assert.equal(await currentKid(), before);
    assert.equal((await kids()).length, published);
  });

  it('rotates every platform at once', async function () {
    const platforms = await t.silta.registry.list();
    // RSA 4096 key generation takes seconds per platform on a small machine.
    this.timeout(30_000 + platforms.length * 20_000);
    const before = new Map(platforms.map((p) => [`${p.issuer} ${p.clientId}`, p.kid]));
    const response = await postForm(agent, '/admin/keys', '/admin/keys/rotate', { overlapHours: '1' });
    assert.equal(response.headers.location, `/admin/keys?done=rotated&count=${platforms.length}`);
    t.silta.registry.forget();
    const published = await kids();
    for (const platform of await t.silta.registry.list()) {
      const old = before.get(`${platform.issuer} ${platform.clientId}`)!;
      assert.notEqual(platform.kid, old);
      assert.ok(published.includes(platform.kid) && published.includes(old));
    }
  });
});
