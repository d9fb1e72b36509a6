import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findOrCreateLineItem, postScore, type Score } from '../../lti/grades';
import { PlatformServiceError, ServiceClient } from '../../lti/service-client';
import { testSilta, type TestSilta } from '../helpers/test-app';

describe('the development platform’s grade service failure switch', () => {
  let t: TestSilta;
  let client: ServiceClient;
  let target: { issuer: string; clientId: string };
  before(async function () {
    this.timeout(120_000);
    t = await testSilta();
    client = new ServiceClient({ registry: t.silta.registry, lti: t.silta.lti });
    target = { issuer: t.devPlatform.issuer, clientId: t.devPlatform.clientId };
  });
  after(() => {
    if (t) t.devPlatform.scoreFailure = 'none';
  });

  const score: Score = {
    userId: '101',
    scoreGiven: 8,
    scoreMaximum: 10,
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
    timestamp: new Date(),
  };
  const flip = (mode: string) =>
    supertest(t.server).post('/dev/platform/scores/failure').type('form').send({ mode, lang: 'en' });
  async function statusOf(lineItemUrl: string): Promise<number> {
    try {
      await postScore(client, { ...target, lineItemUrl, score });
      return 200;
    } catch (error) {
      assert.ok(error instanceof PlatformServiceError, String(error));
      return error.status ?? 0;
    }
  }

  it('answers every score as the switch on its page says, until it is switched back', async () => {
    const link = t.devPlatform.placeLink({ courseId: '2', title: 'Vikatila', custom: {} });
    const item = await findOrCreateLineItem(client, {
      ...target,
      lineitemsUrl: `${t.devPlatform.issuer}/api/contexts/2/lineitems?type_id=1`,
      resourceLinkId: link.id,
      label: 'Vikatila',
      scoreMaximum: 10,
    });
    for (const [mode, status] of [
      ['500', 500],
      ['429', 429],
      ['refuse', 400],
    ] as const) {
      assert.equal((await flip(mode)).status, 303);
      assert.equal(await statusOf(item.id), status, mode);
      assert.equal(await statusOf(item.id), status, `${mode} again: the switch stays`);
    }
    const page = await supertest(t.server).get('/dev/platform/scores?lang=en&failure=saved').expect(200);
    assert.match(page.text, /<option value="refuse" selected>/);
    await flip('none').expect(303);
    assert.equal(await statusOf(item.id), 200);
    await flip('sometimes').expect(400);
    assert.equal(t.devPlatform.scoreFailure, 'none');
  });
});
