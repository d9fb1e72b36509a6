import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { launch, loginAndAuthorize } from '../helpers/launch';
import { assertRejection, postLaunch, storedRows, tamperedLaunch } from '../helpers/rejections';
import { testSilta, type TestSilta } from '../helpers/test-app';

/**
 * Silta keeps each platform's JWKS in memory and fetches it again only when a token names a kid
 * it does not know, at most once per cooldown (30 s). The cooldown is crossed by moving
 * `Date.now` (which the key cache reads) forward; the id_tokens keep the real time, since the
 * platform's clock did not move.
 */
describe("the platform's JWKS", () => {
  let t: TestSilta;
  const realNow = Date.now;
  let originalJwks: TestSilta['devPlatform']['jwks'];

  function advanceClock(seconds: number) {
    Date.now = () => realNow() + seconds * 1000;
  }
  /** Stamps the id_token with the platform's (real) time while Silta's clock is advanced. */
  const realTime = (claims: Record<string, unknown>) => {
    const seconds = Math.floor(realNow() / 1000);
    claims.iat = seconds;
    claims.exp = seconds + 60;
  };

  before(async () => {
    t = await testSilta();
    originalJwks = t.devPlatform.jwks;
  });
  afterEach(() => {
    Date.now = realNow;
    t.devPlatform.tamper = undefined;
    t.devPlatform.jwks = originalJwks;
  });

  it('is fetched once for many launches, even for a forged signature with a known kid', async () => {
    assert.equal((await launch(t)).status, 200);
    const fetches = t.devPlatform.jwksFetches;
    for (let i = 0; i < 5; i++) assert.equal((await launch(t, { persona: i % 2 ? 'teacher' : 'trainee' })).status, 200);
    const { idToken, state } = await loginAndAuthorize(t);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(idToken))
      .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(idToken).kid })
      .sign(privateKey);
    assertRejection(await postLaunch(t, { id_token: forged, state }), {
      status: 401,
      code: 'lti_invalid_token',
      lang: 'fi',
    });
    assert.equal(t.devPlatform.jwksFetches, fetches);
  });

  it('is fetched again when the platform rotates its key, and an unknown kid within the cooldown fetches nothing', async () => {
    assert.equal((await launch(t)).status, 200);
    advanceClock(31);
    await t.devPlatform.init(); // the platform rotates its key: a new kid
    const before = t.devPlatform.jwksFetches;
    const rotated = await tamperedLaunch(t, realTime);
    const response = await postLaunch(t, { id_token: rotated.idToken, state: rotated.state });
    assert.equal(response.status, 200, response.text.slice(0, 300));
    assert.equal(t.devPlatform.jwksFetches, before + 1, 'fetched once for the new kid');

    const unknown = await tamperedLaunch(t, (claims, header) => {
      realTime(claims);
      header.kid = 'unknown-kid-right-after-a-fetch';
    });
    const rows = await storedRows();
    const refused = await postLaunch(t, { id_token: unknown.idToken, state: unknown.state }, { lang: 'sv' });
    assertRejection(refused, { status: 401, code: 'lti_unknown_key', lang: 'sv' });
    assert.equal(t.devPlatform.jwksFetches, before + 1, 'no fetch within the cooldown');
    assert.deepEqual(await storedRows(), rows);

    const again = await tamperedLaunch(t, realTime);
    assert.equal((await postLaunch(t, { id_token: again.idToken, state: again.state })).status, 200);
    assert.equal(t.devPlatform.jwksFetches, before + 1, 'the rotated key stays cached');
  });

  it('answers 503 lti_platform_keys_unavailable when the platform JWKS cannot be fetched', async () => {
    advanceClock(600); // well past any cooldown started by other tests
    t.devPlatform.jwks = () => {
      throw new Error('the platform is down');
    };
    const unknown = await tamperedLaunch(t, (claims, header) => {
      realTime(claims);
      header.kid = 'a-kid-that-needs-a-fetch';
    });
    const rows = await storedRows();
    const response = await postLaunch(
      t,
      { id_token: unknown.idToken, state: unknown.state },
      { lang: 'en', json: true },
    );
    assertRejection(response, { status: 503, code: 'lti_platform_keys_unavailable', lang: 'en' });
    assert.deepEqual(await storedRows(), rows);
  });
});
