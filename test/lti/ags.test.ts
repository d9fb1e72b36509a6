import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { findOrCreateLineItem, getLineItem, getResults, listLineItems, postScore, type Score } from '../../lti/grades';
import { PlatformServiceError, ServiceClient } from '../../lti/service-client';
import { testSilta, type TestSilta } from '../helpers/test-app';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('AGS client against the development platform', () => {
  let t: TestSilta;
  let client: ServiceClient;
  let target: { issuer: string; clientId: string };
  let lineitemsUrl: string;

  before(async () => {
    t = await testSilta();
    client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti });
    target = { issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId };
    lineitemsUrl = `${t.devPlatform.issuer}/api/contexts/2/lineitems?type_id=1`;
  });

  afterEach(() => t.devPlatform.auth.clearFailures());

  /** A fresh activity in course 2 and its line item, so tests share no state. */
  async function newLineItem(label: string, scoreMaximum = 100) {
    const link = t.devPlatform.placeLink({ courseId: '2', title: label, custom: {} });
    const item = await findOrCreateLineItem(client, {
      ...target,
      lineitemsUrl,
      resourceLinkId: link.id,
      label,
      scoreMaximum,
    });
    const platformId = /\/lineitems\/(\d+)\/lineitem/.exec(item.id)![1];
    return { link, item, platformId };
  }

  const score = (over: Partial<Score>): Score => ({
    userId: '101',
    scoreGiven: 8,
    scoreMaximum: 10,
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
    timestamp: minutesAgo(30),
    ...over,
  });

  async function rejection(promise: Promise<unknown>): Promise<PlatformServiceError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof PlatformServiceError, `expected a PlatformServiceError, got ${String(error)}`);
      return error;
    }
    assert.fail('the call succeeded');
  }

  const forgetCachedTokens = () => {
    client.forgetHeldTokens();
    return t.silta.lti.Database.Delete('accesstoken', { platformUrl: target.issuer, clientId: target.clientId });
  };

  it('creates a line item for a resource link, then finds it instead of creating a second one', async () => {
    const before = t.devPlatform.lineItems.size;
    const { link, item, platformId } = await newLineItem('Työkyvyn tuen perusteet', 50);
    assert.equal(t.devPlatform.lineItems.size, before + 1);
    assert.equal(item.label, 'Työkyvyn tuen perusteet');
    assert.equal(item.scoreMaximum, 50);
    assert.equal(item.resourceLinkId, link.id);
    assert.match(item.id, /\/lineitems\/\d+\/lineitem\?type_id=1$/);
    // Like Moodle, the link's launches now carry this line item.
    assert.equal(t.devPlatform.links.get(link.id)!.lineItemId, platformId);

    const [again, concurrent] = await Promise.all([
      findOrCreateLineItem(client, {
        ...target,
        lineitemsUrl,
        resourceLinkId: link.id,
        label: 'other label',
        scoreMaximum: 50,
      }),
      findOrCreateLineItem(client, {
        ...target,
        lineitemsUrl,
        resourceLinkId: link.id,
        label: 'other label',
        scoreMaximum: 50,
      }),
    ]);
    assert.equal(again.id, item.id);
    assert.equal(concurrent.id, item.id);
    assert.equal(t.devPlatform.lineItems.size, before + 1);
    assert.deepEqual(await getLineItem(client, { ...target, lineItemUrl: item.id }), item);
  });

  it('lists line items across Moodle’s pages (Link rel with typographic quotes)', async () => {
    const courseUrl = `${t.devPlatform.issuer}/api/contexts/3/lineitems?type_id=1`;
    for (const label of ['Osa 1', 'Osa 2', 'Osa 3']) {
      const link = t.devPlatform.placeLink({ courseId: '3', title: label, custom: {} });
      await findOrCreateLineItem(client, {
        ...target,
        lineitemsUrl: courseUrl,
        resourceLinkId: link.id,
        label,
        scoreMaximum: 10,
      });
    }
    const expected = t.devPlatform.gradebook
      .itemsOf('3')
      .map((i) => `${t.devPlatform.gradebook.lineItemUrl(i)}?type_id=1`);
    assert.ok(expected.length >= 3);
    const listed = await listLineItems(client, { ...target, lineitemsUrl: courseUrl, filter: { limit: '2' } });
    assert.deepEqual(
      listed.map((i) => i.id),
      expected,
    );
  });

  it('asks for one access token for several calls, and caches it', async () => {
    await forgetCachedTokens();
    const before = t.devPlatform.tokenRequests;
    const { item } = await newLineItem('Token cache');
    await getLineItem(client, { ...target, lineItemUrl: item.id });
    await postScore(client, { ...target, lineItemUrl: item.id, score: score({}) });
    await getResults(client, { ...target, lineItemUrl: item.id });
    assert.equal(t.devPlatform.tokenRequests - before, 1);
  });

  it('gets a fresh token and succeeds when the platform answers 401 for an expired token', async () => {
    const { item } = await newLineItem('Expired token');
    t.devPlatform.expireAccessTokens();
    const requests = t.devPlatform.tokenRequests;
    const rejected = t.devPlatform.auth.rejectedTokens;
    await postScore(client, { ...target, lineItemUrl: item.id, score: score({ userId: '102' }) });
    assert.equal(t.devPlatform.auth.rejectedTokens - rejected, 1, 'the first try was refused');
    assert.equal(t.devPlatform.tokenRequests - requests, 1, 'one new token');
    assert.equal(t.devPlatform.gradebook.scoreOf(/\/lineitems\/(\d+)\//.exec(item.id)![1], '102')?.scoreGiven, 8);
  });

  it('delivers a FullyGraded score with its values, rescaled to the line item maximum as Moodle does', async () => {
    const { item, platformId } = await newLineItem('Palveluketjut', 100);
    const timestamp = minutesAgo(5);
    await postScore(client, {
      ...target,
      lineItemUrl: item.id,
      score: score({ scoreGiven: 7.5, scoreMaximum: 10, timestamp, comment: 'Hyvä' }),
    });
    const stored = t.devPlatform.gradebook.scoreOf(platformId, '101')!;
    assert.equal(stored.scoreGiven, 7.5);
    assert.equal(stored.scoreMaximum, 10);
    assert.equal(stored.grade, 75);
    assert.equal(stored.activityProgress, 'Completed');
    assert.equal(stored.gradingProgress, 'FullyGraded');
    assert.equal(stored.timestamp, timestamp.toISOString());
    assert.equal(stored.comment, 'Hyvä');
    const [result] = await getResults(client, { ...target, lineItemUrl: item.id, userId: '101' });
    assert.equal(result.resultScore, 75);
    assert.equal(result.resultMaximum, 100);
  });

  it('gets a typed 409 for a score not newer than the one the platform holds', async () => {
    const { item } = await newLineItem('Older timestamp');
    const at = minutesAgo(10);
    await postScore(client, { ...target, lineItemUrl: item.id, score: score({ timestamp: at }) });
    const older = await rejection(
      postScore(client, { ...target, lineItemUrl: item.id, score: score({ timestamp: minutesAgo(20) }) }),
    );
    assert.equal(older.code, 'platform_conflict');
    assert.equal(older.status, 409);
    assert.equal(older.retryable, false);
    assert.match(older.platformMessage ?? '', /earlier timestamp/);
    // Moodle compares whole seconds, so the same second is not newer either.
    const same = await rejection(
      postScore(client, { ...target, lineItemUrl: item.id, score: score({ timestamp: new Date(at.getTime() + 1) }) }),
    );
    assert.equal(same.status, 409);
  });

  it('gets a typed 400 for a user who is not a gradable member of the course', async () => {
    const { item } = await newLineItem('Unenrolled');
    const stranger = await rejection(
      postScore(client, { ...target, lineItemUrl: item.id, score: score({ userId: '99999' }) }),
    );
    assert.equal(stranger.code, 'platform_rejected');
    assert.equal(stranger.status, 400);
    assert.equal(stranger.retryable, false);
    assert.match(stranger.platformMessage ?? '', /Incorrect score/);
    // Moodle grades students only: the teacher is enrolled but not gradable.
    const teacher = await rejection(
      postScore(client, { ...target, lineItemUrl: item.id, score: score({ userId: '103' }) }),
    );
    assert.equal(teacher.status, 400);
  });

  it('empties the grade when a score is not FullyGraded, as Moodle does', async () => {
    const { item, platformId } = await newLineItem('Pending empties');
    await postScore(client, { ...target, lineItemUrl: item.id, score: score({ timestamp: minutesAgo(3) }) });
    assert.equal(t.devPlatform.gradebook.scoreOf(platformId, '101')!.grade, 80);
    await postScore(client, {
      ...target,
      lineItemUrl: item.id,
      score: score({
        gradingProgress: 'Pending',
        activityProgress: 'InProgress',
        scoreGiven: 5,
        timestamp: minutesAgo(2),
      }),
    });
    const stored = t.devPlatform.gradebook.scoreOf(platformId, '101')!;
    assert.equal(stored.scoreGiven, null);
    assert.equal(stored.grade, null);
    assert.equal(stored.gradingProgress, 'Pending');
    const [result] = await getResults(client, { ...target, lineItemUrl: item.id, userId: '101' });
    assert.equal(result.resultScore, undefined);
  });

  it('refuses a scores URL without Moodle’s type_id (Moodle treats it as LTI 2)', async () => {
    const { item } = await newLineItem('No type_id');
    const error = await rejection(
      postScore(client, { ...target, lineItemUrl: item.id.replace(/\?type_id=1$/, ''), score: score({}) }),
    );
    assert.equal(error.status, 403);
  });

  it('turns a 500 into a retryable typed error', async () => {
    const { item } = await newLineItem('Server error');
    t.devPlatform.failNext({ status: 500 });
    const error = await rejection(postScore(client, { ...target, lineItemUrl: item.id, score: score({}) }));
    assert.equal(error.code, 'platform_unavailable');
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterSeconds, undefined);
    // The failure was used up: the same call now succeeds.
    await postScore(client, { ...target, lineItemUrl: item.id, score: score({}) });
  });

  it('turns a 429 into a retryable typed error with Retry-After', async () => {
    const { item } = await newLineItem('Too many requests');
    t.devPlatform.failNext({ status: 429, retryAfter: 30 });
    const error = await rejection(postScore(client, { ...target, lineItemUrl: item.id, score: score({}) }));
    assert.equal(error.code, 'platform_unavailable');
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterSeconds, 30);
    assert.equal(error.retryable, true);
  });

  it('times out when the platform never answers', async () => {
    const { item } = await newLineItem('Hanging platform');
    const quick = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti, timeoutMs: 300 });
    t.devPlatform.failNext({ hang: true });
    const started = Date.now();
    const error = await rejection(postScore(quick, { ...target, lineItemUrl: item.id, score: score({}) }));
    assert.ok(Date.now() - started < 5000);
    assert.equal(error.code, 'platform_timeout');
    assert.equal(error.retryable, true);
    assert.equal(error.status, undefined);
  });

  it('asks ltijs again when another instance stored its token at the same moment (unique cache row)', async () => {
    await forgetCachedTokens();
    const registry = t.silta.registry;
    let clashes = 0;
    // The first ask fails as ltijs does when the other instance's insert won the race.
    const racing = Object.create(registry) as typeof registry;
    racing.ltijsPlatform = async (issuer, clientId) => {
      const platform = await registry.ltijsPlatform(issuer, clientId);
      const real = platform.platformAccessToken.bind(platform);
      // ltijs's Platform keeps private fields: its own instance is patched, and forwards after the clash.
      platform.platformAccessToken = async (scopes: string) => {
        if (clashes++ === 0)
          throw Object.assign(new Error('Validation error'), { name: 'SequelizeUniqueConstraintError' });
        return real(scopes);
      };
      return platform;
    };
    const other = new ServiceClient({ registry: racing, lti: t.silta.lti });
    const { item } = await newLineItem('Two instances, one token');
    const got = await getLineItem(other, { ...target, lineItemUrl: item.id });
    assert.equal(got.label, 'Two instances, one token');
    assert.equal(clashes, 2, 'asked twice');
  });

  it('reports a failing token endpoint as a typed token error', async () => {
    await forgetCachedTokens();
    t.devPlatform.failNext({ target: 'token', status: 503, retryAfter: 5 });
    const error = await rejection(
      getLineItem(client, {
        ...target,
        lineItemUrl: `${t.devPlatform.issuer}/api/contexts/2/lineitems/1/lineitem?type_id=1`,
      }),
    );
    assert.equal(error.info.stage, 'token');
    assert.equal(error.status, 503);
    assert.equal(error.retryAfterSeconds, 5);
    assert.equal(error.retryable, true);
  });

  describe('token endpoint', () => {
    async function assertion(key: CryptoKey, kid: string, audience = t.devPlatform.tokenEndpoint) {
      return new SignJWT({ jti: String(Math.random()) })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(target.clientId)
        .setSubject(target.clientId)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(key);
    }
    // ltijs keeps the tool key as PKCS#1 PEM; jose wants PKCS#8.
    const toolKey = (pem: string) =>
      importPKCS8(crypto.createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString(), 'RS256');
    const ask = (clientAssertion: string) =>
      t.request().post('/dev/platform/token').type('form').send({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
        scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      });

    it('grants a token for an assertion signed with Silta’s key', async () => {
      const platform = await t.silta.registry.ltijsPlatform(target.issuer, target.clientId);
      const key = await toolKey(await platform.platformPrivateKey());
      const answer = await ask(await assertion(key, await platform.platformKid())).expect(200);
      assert.equal(answer.body.token_type, 'Bearer');
      assert.equal(answer.body.expires_in, 3600);
      assert.equal(answer.body.scope, 'https://purl.imsglobal.org/spec/lti-ags/scope/score');
    });

    it('rejects an assertion signed with another key under Silta’s kid', async () => {
      const platform = await t.silta.registry.ltijsPlatform(target.issuer, target.clientId);
      const forger = await generateKeyPair('RS256');
      const answer = await ask(await assertion(forger.privateKey, await platform.platformKid())).expect(401);
      assert.equal(answer.body.error, 'invalid_client');
      assert.equal(answer.body.access_token, undefined);
    });

    it('rejects an assertion meant for another audience', async () => {
      const platform = await t.silta.registry.ltijsPlatform(target.issuer, target.clientId);
      const key = await toolKey(await platform.platformPrivateKey());
      const answer = await ask(await assertion(key, await platform.platformKid(), t.devPlatform.issuer)).expect(401);
      assert.equal(answer.body.error, 'invalid_client');
    });
  });

  it('shows the grades that arrived on the platform’s scores page', async () => {
    const { item } = await newLineItem('Näkyvä arvosana', 20);
    await postScore(client, {
      ...target,
      lineItemUrl: item.id,
      score: score({ userId: '201', scoreGiven: 9, scoreMaximum: 10 }),
    });
    const page = await t.request().get('/dev/platform/scores?course=2&lang=sv').expect(200);
    assert.match(page.text, /<html lang="sv">/);
    assert.match(page.text, /Mottagna vitsord/);
    assert.match(page.text, /Näkyvä arvosana/);
    assert.match(page.text, /Helmi Rautio/);
    assert.match(page.text, /18 \/ 20/);
    const fi = await t.request().get('/dev/platform/scores').set('Accept-Language', 'fi').expect(200);
    assert.match(fi.text, /<html lang="fi">/);
    assert.match(fi.text, /Vastaanotetut arvosanat/);
  });
});
