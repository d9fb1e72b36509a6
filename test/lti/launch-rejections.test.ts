import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { CLAIM } from '../../lti/claims';
import type { Response } from 'supertest';
import { translator } from '../../server/i18n';
import { loginStateKey, readLoginState, signLoginState, LOGIN_STATE_TTL_MS } from '../../lti/login-state';
import { loginAndAuthorize } from '../helpers/launch';
import { assertRejection, postLaunch, storedRows, tamperedLaunch } from '../helpers/rejections';
import { testSilta, type TestSilta } from '../helpers/test-app';

const now = () => Math.floor(Date.now() / 1000);

describe('LTI launch rejections', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });
  afterEach(() => {
    t.devPlatform.tamper = undefined;
  });

  /** Posts a launch that must be refused, and checks that it left nothing behind. */
  async function refused(
    fields: Record<string, unknown> | string,
    expected: { status?: number; code: string; lang: 'fi' | 'sv' | 'en'; json?: boolean },
  ) {
    const before = await storedRows();
    const response = await postLaunch(t, fields, { lang: expected.lang, json: expected.json });
    assertRejection(response, { status: expected.status ?? 401, code: expected.code, lang: expected.lang });
    assert.equal(response.headers.location, undefined, 'no redirect into Silta');
    assert.deepEqual(await storedRows(), before, 'nothing stored');
    return response;
  }

  it('refuses an id_token signed with another key under the platform kid', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(idToken))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: decodeProtectedHeader(idToken).kid })
      .sign(privateKey);
    await refused({ id_token: forged, state }, { code: 'lti_invalid_token', lang: 'sv' });
  });

  it('refuses an HS256 id_token (algorithm confusion) under the platform kid', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const secret = new TextEncoder().encode(JSON.stringify(t.devPlatform.jwks().keys[0]));
    const forged = await new SignJWT(decodeJwt(idToken))
      .setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(idToken).kid })
      .sign(secret);
    await refused({ id_token: forged, state }, { code: 'lti_invalid_token', lang: 'en', json: true });
  });

  it('refuses an id_token whose kid the platform does not publish', async () => {
    const { idToken, state } = await tamperedLaunch(t, (_claims, header) => {
      header.kid = 'not-a-published-kid';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_unknown_key', lang: 'en' });
  });

  it('refuses a deployment_id not registered for the platform', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims[CLAIM.deploymentId] = 'not-registered-42';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_unknown_deployment', lang: 'sv', json: true });
  });

  it('refuses a wrong iss', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iss = 'https://moodle.evil.example';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_wrong_issuer', lang: 'en' });
  });

  it('refuses a wrong aud', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.aud = 'some-other-tool';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_wrong_audience', lang: 'sv' });
  });

  it('refuses an aud array whose azp is another client', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.aud = [t.devPlatform.clientId, 'some-other-tool'];
      claims.azp = 'some-other-tool';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_wrong_azp', lang: 'fi', json: true });
  });

  it('refuses an aud array without azp, and accepts one whose azp is Silta', async () => {
    const bad = await tamperedLaunch(t, (claims) => {
      claims.aud = [t.devPlatform.clientId, 'some-other-tool'];
    });
    await refused({ id_token: bad.idToken, state: bad.state }, { code: 'lti_wrong_azp', lang: 'en' });
    const good = await tamperedLaunch(t, (claims) => {
      claims.aud = [t.devPlatform.clientId, 'some-other-tool'];
      claims.azp = t.devPlatform.clientId;
    });
    const response = await postLaunch(t, { id_token: good.idToken, state: good.state });
    assert.equal(response.status, 200);
  });

  it('refuses an expired id_token', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iat = now() - 300;
      claims.exp = now() - 240;
    });
    await refused({ id_token: idToken, state }, { code: 'lti_token_expired', lang: 'sv' });
  });

  it('refuses an id_token issued too long ago even if its exp is far away', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iat = now() - 3600;
      claims.exp = now() + 3600;
    });
    await refused({ id_token: idToken, state }, { code: 'lti_token_expired', lang: 'en', json: true });
  });

  it('refuses an iat that is not a number as a malformed claim, not as an expired launch', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iat = 'yesterday';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_missing_claim', lang: 'en' });
  });

  it('refuses an iat in the future beyond the clock skew', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iat = now() + t.env.clockSkewSeconds + 60;
      claims.exp = now() + t.env.clockSkewSeconds + 120;
    });
    await refused({ id_token: idToken, state }, { code: 'lti_token_not_yet_valid', lang: 'sv' });
  });

  it('accepts an iat in the future within the clock skew, and stores the launch', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims.iat = now() + t.env.clockSkewSeconds - 2;
    });
    const before = await storedRows();
    const response = await postLaunch(t, { id_token: idToken, state });
    assert.equal(response.status, 200, response.text.slice(0, 300));
    const after = await storedRows();
    assert.equal(after.launchSessions, before.launchSessions + 1);
  });

  it('refuses a replayed id_token posted with a fresh state (nonce)', async () => {
    const first = await loginAndAuthorize(t);
    assert.equal((await postLaunch(t, { id_token: first.idToken, state: first.state })).status, 200);
    const fresh = await loginAndAuthorize(t);
    await refused({ id_token: first.idToken, state: fresh.state }, { code: 'lti_nonce_mismatch', lang: 'en' });
  });

  it('refuses a state that matches no login', async () => {
    const { idToken } = await loginAndAuthorize(t);
    await refused({ id_token: idToken, state: 'a-state-nobody-issued' }, { code: 'lti_state_mismatch', lang: 'sv' });
  });

  it('refuses a state whose content was altered (its signature no longer matches)', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const [payload, signature] = state.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = Buffer.from(JSON.stringify({ ...claims, e: Number(claims.e) + 3_600_000 })).toString('base64url');
    await refused({ id_token: idToken, state: `${altered}.${signature}` }, { code: 'lti_state_mismatch', lang: 'en' });
  });

  it('refuses a state signed with another key, and an expired state', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const login = readLoginState(state, loginStateKey(t.env.secretKey));
    await refused(
      { id_token: idToken, state: signLoginState(login, loginStateKey('another-secret-key-of-at-least-32-chars')) },
      { code: 'lti_state_mismatch', lang: 'sv' },
    );
    const expired = signLoginState(login, loginStateKey(t.env.secretKey), Date.now() - LOGIN_STATE_TTL_MS - 1000);
    await refused({ id_token: idToken, state: expired }, { code: 'lti_state_mismatch', lang: 'fi' });
  });

  it('accepts only one of two simultaneous uses of the same state', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const before = await storedRows();
    const answers = await Promise.all([
      postLaunch(t, { id_token: idToken, state }),
      postLaunch(t, { id_token: idToken, state }),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401]);
    assert.equal((await storedRows()).launchSessions, before.launchSessions + 1, 'one launch session');
  });

  it('refuses a state used twice', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    assert.equal((await postLaunch(t, { id_token: idToken, state })).status, 200);
    const again = await refused({ id_token: idToken, state }, { code: 'lti_state_mismatch', lang: 'fi' });
    assert.ok(
      again.text.includes(translator('fi')('errors.retry_hint').slice(0, 30)),
      'suggests opening the activity again',
    );
  });

  it('refuses a message type Silta does not support', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims[CLAIM.messageType] = 'LtiSubmissionReviewRequest';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_wrong_message_type', lang: 'en' });
  });

  it('refuses an LTI version other than 1.3.0', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims[CLAIM.version] = '1.1';
    });
    await refused({ id_token: idToken, state }, { code: 'lti_wrong_version', lang: 'sv', json: true });
  });

  it('refuses a resource link launch without sub', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      delete claims.sub;
    });
    await refused({ id_token: idToken, state }, { code: 'lti_missing_claim', lang: 'en' });
  });

  it('refuses a return URL that is not http(s)', async () => {
    const { idToken, state } = await tamperedLaunch(t, (claims) => {
      claims[CLAIM.launchPresentation] = { locale: 'fi', return_url: 'javascript:alert(1)' };
    });
    await refused({ id_token: idToken, state }, { code: 'lti_missing_claim', lang: 'sv' });
  });

  it('refuses a deep-linking return URL that is not a URL at all', async () => {
    const { idToken, state } = await tamperedLaunch(
      t,
      (claims) => {
        (claims[CLAIM.deepLinkingSettings] as Record<string, unknown>).deep_link_return_url = 'not a url';
      },
      { persona: 'teacher', messageType: 'LtiDeepLinkingRequest' },
    );
    await refused({ id_token: idToken, state }, { code: 'lti_missing_claim', lang: 'en' });
  });

  /** A login initiation that must be refused: nothing is stored and nobody is sent to the platform. */
  async function refusedLogin(send: () => Promise<Response>, expected: { code: string; lang: 'fi' | 'sv' | 'en' }) {
    const before = await storedRows();
    const response = await send();
    assertRejection(response, { status: 400, ...expected });
    assert.equal(response.headers.location, undefined, 'no redirect to the platform');
    assert.deepEqual(await storedRows(), before, 'nothing stored');
  }

  it('refuses a login initiation from an unregistered issuer', async () => {
    const login = {
      ...t.devPlatform.startLaunch({
        persona: 'trainee',
        courseId: '2',
        locale: 'fi',
        messageType: 'LtiResourceLinkRequest',
      }),
      iss: 'https://moodle.unknown.example',
      client_id: 'x',
    };
    await refusedLogin(
      () =>
        t
          .request()
          .get('/lti/login')
          .query({ ...login, lang: 'sv' }),
      { code: 'lti_unregistered_platform', lang: 'sv' },
    );
  });

  it('refuses a login whose target_link_uri is outside Silta', async () => {
    const login = {
      ...t.devPlatform.startLaunch({
        persona: 'trainee',
        courseId: '2',
        locale: 'fi',
        messageType: 'LtiResourceLinkRequest',
      }),
      target_link_uri: 'https://phishing.example/lti/launch',
    };
    await refusedLogin(() => t.request().post('/lti/login').type('form').set('Accept-Language', 'en').send(login), {
      code: 'lti_login_parameters',
      lang: 'en',
    });
  });

  it('refuses oversize or wrongly typed login fields', async () => {
    const login = t.devPlatform.startLaunch({
      persona: 'trainee',
      courseId: '2',
      locale: 'fi',
      messageType: 'LtiResourceLinkRequest',
    });
    await refusedLogin(
      () =>
        t
          .request()
          .post('/lti/login')
          .type('form')
          .set('Accept', 'application/json')
          .send({ ...login, login_hint: 'x'.repeat(5000) }),
      { code: 'lti_login_parameters', lang: 'fi' },
    );
    await refusedLogin(
      () =>
        t
          .request()
          .post('/lti/login')
          .type('form')
          .set('Accept-Language', 'sv')
          .send(`${new URLSearchParams(login)}&iss=${encodeURIComponent(login.iss)}`),
      { code: 'lti_login_parameters', lang: 'sv' },
    );
    await refusedLogin(
      () =>
        t
          .request()
          .get('/lti/login')
          .query({ ...login, lang: 'en' })
          .query('target_link_uri[a]=b'),
      { code: 'lti_login_parameters', lang: 'en' },
    );
    await refusedLogin(
      () =>
        t
          .request()
          .post('/lti/login')
          .type('form')
          .send({ ...login, iss: 'not a url' }),
      { code: 'lti_login_parameters', lang: 'fi' },
    );
    // The same parameters, well formed, are accepted: the refusals above were about the fields.
    assert.equal((await t.request().post('/lti/login').type('form').send(login)).status, 302);
  });

  it('refuses oversize or wrongly typed launch fields and stores nothing', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    await refused(
      { id_token: idToken, state: 's'.repeat(2049) },
      { status: 400, code: 'lti_launch_parameters', lang: 'sv' },
    );
    await refused({ id_token: 'x'.repeat(64_001), state }, { status: 400, code: 'lti_launch_parameters', lang: 'en' });
    await refused({ state }, { status: 400, code: 'lti_launch_parameters', lang: 'fi', json: true });
    await refused(`${new URLSearchParams({ id_token: idToken, state })}&state=${state}`, {
      status: 400,
      code: 'lti_launch_parameters',
      lang: 'en',
    });
    await refused({ id_token: 'x'.repeat(120_000), state }, { status: 413, code: 'payload_too_large', lang: 'sv' });
    const many = Array.from({ length: 1200 }, (_, i) => `f${i}=1`).join('&');
    await refused(`${many}&${new URLSearchParams({ id_token: idToken, state })}`, {
      status: 413,
      code: 'payload_too_large',
      lang: 'en',
    });
    // The state was never consumed by these refusals: the genuine launch still works.
    assert.equal((await postLaunch(t, { id_token: idToken, state })).status, 200);
  });

  it('refuses a body in an unsupported charset or encoding as bad input, not as a server error', async () => {
    const { idToken, state } = await loginAndAuthorize(t);
    const body = new URLSearchParams({ id_token: idToken, state }).toString();
    const before = await storedRows();
    const charset = await t
      .request()
      .post('/lti/launch')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon')
      .set('Accept-Language', 'sv')
      .send(body);
    assertRejection(charset, { status: 400, code: 'validation_failed', lang: 'sv' });
    const encoding = await t
      .request()
      .post('/lti/launch')
      .type('form')
      .set('Content-Encoding', 'x-unknown')
      .set('Accept', 'application/json')
      .send(body);
    assertRejection(encoding, { status: 400, code: 'validation_failed', lang: 'fi' });
    assert.deepEqual(await storedRows(), before);
  });

  it('refuses a token that is not a JWT', async () => {
    const { state } = await loginAndAuthorize(t);
    await refused({ id_token: 'not.a.jwt', state }, { code: 'lti_invalid_token', lang: 'sv' });
  });
});
