import assert from 'node:assert/strict';
import { SCOPE } from '../../lti/claims';
import { mapRoles } from '../../lti/roles';
import { getRoster } from '../../lti/roster';
import { PlatformServiceError, ServiceClient } from '../../lti/service-client';
import { testSilta, type TestSilta } from '../helpers/test-app';

describe('NRPS client against the development platform', () => {
  let t: TestSilta;
  let client: ServiceClient;
  let target: { issuer: string; clientId: string };
  let membershipsUrl: string;

  before(async () => {
    t = await testSilta();
    client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti });
    target = { issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId };
    membershipsUrl = `${t.devPlatform.issuer}/api/contexts/3/memberships`;
  });

  afterEach(() => t.devPlatform.auth.clearFailures());

  it('follows the rel="next" pages and returns every member with Silta roles', async () => {
    const paged = await getRoster(client, { ...target, membershipsUrl, limit: 10 });
    const whole = await getRoster(client, { ...target, membershipsUrl });
    assert.equal(paged.members.length, 29, 'four personas and 25 demo learners');
    assert.deepEqual(
      paged.members.map((m) => m.userId),
      whole.members.map((m) => m.userId),
    );
    assert.equal(new Set(paged.members.map((m) => m.userId)).size, 29, 'no member twice');
    assert.deepEqual(paged.context, { id: '3', label: 'TYOKYKY-KEH', title: 'Työkyvyn tuen alueellinen kehittäminen' });

    const byId = new Map(paged.members.map((m) => [m.userId, m]));
    assert.deepEqual(byId.get('101'), {
      userId: '101',
      name: 'Aino Virtanen',
      givenName: 'Aino',
      familyName: 'Virtanen',
      email: 'aino.virtanen@example.fi',
      status: 'Active',
      roles: ['Learner'],
      role: 'learner',
    });
    assert.equal(byId.get('103')!.role, 'instructor');
    assert.deepEqual(byId.get('103')!.roles, ['Instructor']);
    assert.equal(paged.members.filter((m) => m.role === 'learner').length, 27);
    assert.ok(paged.members.every((m) => m.email?.endsWith('@example.fi')));
  });

  it('fails with a typed, retryable error when the platform is unavailable', async () => {
    t.devPlatform.failNext({ status: 503 });
    const first = await getRoster(client, { ...target, membershipsUrl, limit: 10 }).catch((e: unknown) => e);
    assert.ok(first instanceof PlatformServiceError);
    assert.equal(first.status, 503);
    assert.equal(first.retryable, true);
    const again = await getRoster(client, { ...target, membershipsUrl, limit: 10 });
    assert.equal(again.members.length, 29);
  });

  it('answers only a token that carries the memberships scope, in Moodle’s NRPS format', async () => {
    await t.request().get('/dev/platform/api/contexts/3/memberships').expect(401);
    await t
      .request()
      .get('/dev/platform/api/contexts/3/memberships')
      .set('Authorization', 'Bearer not-a-token')
      .expect(401);
    const platform = await t.silta.registry.ltijsPlatform(target.issuer, target.clientId);
    const scoreOnly = await platform.platformAccessToken(SCOPE.score);
    await t
      .request()
      .get('/dev/platform/api/contexts/3/memberships')
      .set('Authorization', `Bearer ${scoreOnly.access_token}`)
      .expect(401);
    const nrps = await platform.platformAccessToken(SCOPE.memberships);
    const page = await t
      .request()
      .get('/dev/platform/api/contexts/3/memberships?limit=5')
      .set('Authorization', `Bearer ${nrps.access_token}`)
      .expect(200);
    assert.match(page.headers['content-type'], /^application\/vnd\.ims\.lti-nrps\.v2\.membershipcontainer\+json/);
    assert.equal(page.headers.link, `<${membershipsUrl}?limit=5&from=5>; rel="next"`);
    assert.equal(page.body.members.length, 5);
    assert.deepEqual(Object.keys(page.body.members[0]).sort(), [
      'email',
      'family_name',
      'given_name',
      'lis_person_sourcedid',
      'name',
      'roles',
      'status',
      'user_id',
    ]);
  });
});

describe('mapRoles', () => {
  it('maps Moodle’s NRPS short names and the id_token’s full URIs alike', () => {
    assert.equal(mapRoles(['Learner']), 'learner');
    assert.equal(mapRoles(['Instructor']), 'instructor');
    assert.equal(mapRoles(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']), 'learner');
    assert.equal(mapRoles(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor']), 'instructor');
    assert.equal(mapRoles(['TeachingAssistant']), 'instructor');
    assert.equal(
      mapRoles([
        'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
        'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
      ]),
      'administrator',
    );
    // An institution-level Instructor is not a teacher of this course.
    assert.equal(mapRoles(['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor']), 'learner');
    assert.equal(mapRoles([]), 'learner');
  });
});
