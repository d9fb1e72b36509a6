import assert from 'node:assert/strict';
import express from 'express';
import supertest from 'supertest';
import { SiltaError } from '../../server/errors';
import { rateLimit } from '../../server/http/rate-limit';

describe('rate limits', () => {
  it('refuses a client past its limit with 429 and Retry-After, while another client goes on', async () => {
    const app = express();
    app.set('trust proxy', true);
    app.use(rateLimit({ perMinute: 3, key: (req) => req.ip }));
    app.get('/', (_req, res) => void res.send('ok'));
    app.use(
      (error: SiltaError, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        void res.status(429).json({ code: error.code }),
    );
    const from = (ip: string) => supertest(app).get('/').set('X-Forwarded-For', ip);
    for (let i = 0; i < 3; i++) await from('203.0.113.1').expect(200);
    const refused = await from('203.0.113.1').expect(429);
    assert.equal(refused.body.code, 'rate_limited');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    await from('203.0.113.2').expect(200);
  });
});
