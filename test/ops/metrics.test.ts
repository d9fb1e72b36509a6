import assert from 'node:assert/strict';
import supertest from 'supertest';
import { client, connected, type ClientSocket } from '../sockets/socket-client';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { gradedLink, queueScore } from '../grades/grade-fixtures';
import { GradeOutbox } from '../../server/store/models';
import { opsApp } from './ops-app';

const TOKEN = 'metrics-token-for-the-tests-0123';

/** The value of one sample (`name{labels} value`) in a Prometheus text page; 0 when absent. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of page.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',');
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

describe('/metrics', () => {
  let t: TestSilta;
  let metrics: supertest.Agent;
  const scrape = async () => (await metrics.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;

  before(async () => {
    t = await testSilta();
    metrics = supertest.agent(opsApp(t, { metricsToken: TOKEN }).app);
  });

  it('answers 401 without the token, with a wrong one or another scheme, and shows no metric', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      'Bearer ',
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      TOKEN,
    ]) {
      const request = metrics.get('/metrics').set('Accept', 'application/json');
      const response = await (
        authorization === undefined ? request : request.set('Authorization', authorization)
      ).expect(401);
      assert.equal(response.body.error.code, 'metrics_unauthorized', String(authorization));
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="metrics"');
      assert.doesNotMatch(response.text, /silta_/);
    }
  });

  it('is not there (404) when METRICS_TOKEN is not set, token or not', async () => {
    const unset = supertest(opsApp(t, { metricsToken: undefined }).app);
    await unset.get('/metrics').expect(404);
    await unset.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });

  it('serves Prometheus text with process metrics', async () => {
    const response = await metrics.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    const type = String(response.headers['content-type']).split(/;\s*/);
    assert.deepEqual([type[0], type.includes('version=0.0.4')], ['text/plain', true], type.join('; '));
    assert.ok(sample(response.text, 'process_cpu_user_seconds_total') > 0);
    assert.match(response.text, /^# TYPE silta_http_request_duration_seconds histogram$/m);
  });

  it('times requests by route pattern and status, never by raw URL', async () => {
    const app = supertest(t.server);
    const labels = { method: 'GET', route: '/modules/steps/:stepId', status: '401' };
    const before = sample(await scrape(), 'silta_http_request_duration_seconds_count', labels);
    await app.get('/modules/steps/first-step?lt=not-a-session').expect(401);
    await app.get('/modules/steps/second-step?lt=not-a-session').expect(401);
    const page = await scrape();
    assert.equal(sample(page, 'silta_http_request_duration_seconds_count', labels), before + 2);
    assert.doesNotMatch(page, /first-step|second-step|not-a-session/);
    await app.get('/no/such/page').expect(404);
    assert.ok(
      sample(await scrape(), 'silta_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }) >= 1,
    );
  });

  it('counts successful launches by message type', async () => {
    const labels = { message_type: 'LtiResourceLinkRequest' };
    const before = sample(await scrape(), 'silta_launches_total', labels);
    await launchSession(t, { persona: 'trainee' });
    assert.equal(sample(await scrape(), 'silta_launches_total', labels), before + 1);
  });

  it('reads pending and failed grade outbox rows from the store at each scrape', async () => {
    const pending = async () => GradeOutbox.count({ where: { status: 'pending' } });
    const g = await gradedLink(t);
    const row = await queueScore(t, g, { scoreGiven: 3 });
    let page = await scrape();
    assert.equal(sample(page, 'silta_grade_outbox_rows', { status: 'pending' }), await pending());
    assert.ok(sample(page, 'silta_grade_outbox_rows', { status: 'pending' }) >= 1);
    const failedBefore = sample(page, 'silta_grade_outbox_rows', { status: 'failed' });
    await GradeOutbox.update({ status: 'failed' }, { where: { id: row.id } });
    page = await scrape();
    assert.equal(sample(page, 'silta_grade_outbox_rows', { status: 'failed' }), failedBefore + 1);
    assert.equal(sample(page, 'silta_grade_outbox_rows', { status: 'pending' }), await pending());
  });

  it('counts the sockets connected to this instance', async () => {
    const { lt } = await launchSession(t);
    const { token } = (await t.request().get(`/realtime/token?lt=${lt}`).expect(200)).body as { token: string };
    const before = sample(await scrape(), 'silta_sockets_connected');
    const sockets: ClientSocket[] = [];
    try {
      sockets.push(await connected(client(t.baseUrl, { token })), await connected(client(t.baseUrl, { token })));
      assert.equal(sample(await scrape(), 'silta_sockets_connected'), before + 2);
    } finally {
      sockets.forEach((s) => s.disconnect());
    }
  });
});
