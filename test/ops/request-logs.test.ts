import assert from 'node:assert/strict';
import supertest from 'supertest';
import { loginAndAuthorize, openedAddress } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { opsApp } from './ops-app';

describe('request ids and logs', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('gives every response an X-Request-Id, keeping a well-formed one from the proxy', async () => {
    const app = supertest(t.server);
    const made = await app.get('/healthz').expect(200);
    assert.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    const other = await app.get('/healthz').expect(200);
    assert.notEqual(other.headers['x-request-id'], made.headers['x-request-id']);
    const kept = await app.get('/healthz').set('X-Request-Id', 'proxy-7f3a.12:9').expect(200);
    assert.equal(kept.headers['x-request-id'], 'proxy-7f3a.12:9');
    for (const bad of ['two words', 'x'.repeat(129), '{"level":60}', '']) {
      const replaced = await app.get('/healthz').set('X-Request-Id', bad).expect(200);
      assert.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/, JSON.stringify(bad));
    }
  });

  it('logs each request and each rejection with its request id, and no name, email or token', async () => {
    const logged = opsApp(t, { nodeEnv: 'development' });
    const app = supertest(logged.app);
    const { idToken, state } = await loginAndAuthorize(t, { persona: 'trainee' });
    const launched = await app
      .post('/lti/launch')
      .type('form')
      .send({ id_token: idToken, state })
      .set('X-Request-Id', 'launch-request-1')
      .expect(200);
    const landing = openedAddress(launched)!;
    const lt = new URL(landing, t.baseUrl).searchParams.get('lt')!;
    const page = await app.get(landing).expect(200);
    assert.match(page.text, /Aino/, 'the page itself shows the name');
    await app
      .get('/modules/steps/a-step?lt=forged-session-token-of-32-chars')
      .set('Accept', 'application/json')
      .set('X-Request-Id', 'rejected-request-1')
      .expect(401);

    const lines = logged.lines();
    const completed = lines.filter((l) => l.msg === 'request completed');
    assert.ok(completed.length >= 3, logged.text());
    for (const line of completed) assert.match(String((line.req as { id?: unknown })?.id), /\S/, JSON.stringify(line));
    assert.ok(completed.some((l) => (l.req as { id: string }).id === 'launch-request-1'));
    const rejected = lines.find((l) => l.msg === 'request rejected');
    assert.equal(
      (rejected?.req as { id?: string } | undefined)?.id,
      'rejected-request-1',
      'the rejection line carries the request id',
    );
    assert.equal(rejected?.code, 'session_expired');

    const text = logged.text();
    for (const secret of ['Aino', 'Virtanen', 'aino.virtanen@example.fi', lt, idToken, state, 'forged-session-token'])
      assert.ok(!text.includes(secret), `the log holds ${secret.slice(0, 20)}`);
  });
});
