import assert from 'node:assert/strict';
import supertest from 'supertest';
import { shortLine } from '../../server/log-format';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { opsApp } from './ops-app';

describe('development logs are short and leave out static files and health checks', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('logs a page but not static files, health checks or metrics', async () => {
    const logged = opsApp(t, { nodeEnv: 'development' });
    const app = supertest(logged.app);
    await app.get('/public/css/silta.css').expect(200);
    await app.get('/healthz').expect(200);
    await app.get('/?lang=en').expect(200);
    const urls = logged
      .lines()
      .filter((l) => l.msg === 'request completed')
      .map((l) => (l.req as { url: string }).url);
    assert.deepEqual(urls, ['/?lang=en']);
  });

  it('turns a request line into "time level method url status duration"', () => {
    const line = shortLine(
      JSON.stringify({
        level: 30,
        time: Date.UTC(2026, 0, 1, 8, 5, 9),
        msg: 'request completed',
        req: { id: 'x', method: 'GET', url: '/board?lt=…' },
        res: { statusCode: 200 },
        responseTime: 12,
      }),
    );
    assert.match(line, /^\d\d:\d\d:\d\d INFO {2}GET \/board\?lt=… 200 12ms$/);
    assert.match(
      shortLine(JSON.stringify({ level: 40, time: 0, msg: 'request rejected', code: 'not_found' })),
      /WARN {2}request rejected code=not_found$/,
    );
  });
});
