import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { openBoard, placeBoard } from '../board/board-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'");
const linksOf = (html: string) =>
  [...html.matchAll(/<a class="back-link" href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({
    href: decode(m[1]),
    text: decode(m[2]),
  }));

describe('error pages keep the header, the language switch and a way back', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('an unknown practice: back to the page the user came from and to the course, in the launch’s language', async () => {
    const lt = await openBoard(t, placeBoard(t, { region: 'pirkanmaa' }), 'trainee', { locale: 'sv' });
    const from = `${t.baseUrl}/board?lt=${lt}&page=2`;
    const page = await t.request().get(`/board/practices/999999?lt=${lt}`).set('Referer', from).expect(404);
    const sv = translator('sv');
    assert.match(page.text, /<html lang="sv">/);
    assert.match(page.text, /<header class="site-header"/);
    assert.deepEqual(linksOf(page.text), [
      { href: `/board?lt=${lt}&page=2`, text: sv('error_page.back') },
      { href: `${t.devPlatform.issuer}/?course=3`, text: sv('error_page.back_to_course') },
    ]);
    // The switch reloads the same address in another language.
    assert.ok(decode(page.text).includes(`href="/board/practices/999999?lt=${lt}&lang=fi"`));
  });

  it('a referrer from another site is not offered; without a launch the way back is the front page', async () => {
    const page = await t
      .request()
      .get('/board?lt=no-such-token')
      .set('Referer', 'https://evil.example/board')
      .set('Accept-Language', 'en')
      .expect(401);
    assert.deepEqual(linksOf(page.text), [{ href: '/', text: translator('en')('error_page.home') }]);
    assert.match(page.text, /<nav class="language-switch"/);
  });
});
