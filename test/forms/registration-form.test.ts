import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from './form-page';

describe('the registration form (development platform) re-renders with an error summary', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('an address elsewhere or no address at all is named at the field, as typed', async () => {
    const sv = translator('sv');
    const origin = new URL(t.env.publicUrl).origin;
    const message = sv('registration.dev.tool_url_invalid', { origin });
    for (const typed of ['https://elsewhere.example/register', 'silta.local/lti/register']) {
      const page = await t
        .request()
        .get(`/dev/platform/registration?lang=sv&url=${encodeURIComponent(typed)}`)
        .expect(400);
      assert.deepEqual(errorSummaryOf(page.text), [{ href: '#tool-url', text: message }]);
      assert.equal(fieldMessageOf(page.text, 'tool-url'), message);
      assert.equal(fieldValueOf(page.text, 'tool-url'), typed);
      assert.doesNotMatch(page.text, /<iframe/);
    }
  });
});
