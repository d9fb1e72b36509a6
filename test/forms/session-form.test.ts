import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { LiveSession } from '../../server/store/session-models';
import { openLink, placeSession } from '../sessions/session-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from './form-page';

describe('the new-session form re-renders with an error summary and field messages', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });
  const post = (lt: string, fields: Record<string, string>) =>
    t
      .request()
      .post('/sessions/new')
      .type('form')
      .send(
        new URLSearchParams({ lt, title: 'Verstas', language: 'fi', template: 'free-board', ...fields }).toString(),
      );

  it('a vote budget out of range is named at its field; the title and choices are kept', async () => {
    const lt = await openLink(t, placeSession(t), 'teacher', { locale: 'en' });
    const count = await LiveSession.count();
    const page = await post(lt, {
      title: 'Palveluketju "Pohjanmaa"',
      voteBudget: '99',
      anonymous: 'on',
      language: 'sv',
    }).expect(400);
    const en = translator('en');
    const message = en('forms.vote_budget', { max: 50 });
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#session-budget', text: message }]);
    assert.equal(fieldMessageOf(page.text, 'session-budget'), message);
    assert.equal(fieldValueOf(page.text, 'session-budget'), '99');
    assert.equal(fieldValueOf(page.text, 'session-title'), 'Palveluketju &quot;Pohjanmaa&quot;');
    assert.match(page.text, /id="session-anonymous" checked/);
    assert.match(page.text, /<option value="sv" selected>/);
    assert.equal(await LiveSession.count(), count, 'no session was created');
  });

  it('an empty title and an unknown method each get their message, in the user’s language', async () => {
    const lt = await openLink(t, placeSession(t), 'teacher', { locale: 'sv' });
    const sv = translator('sv');
    const empty = await post(lt, { title: '  ' }).expect(400);
    assert.equal(
      fieldMessageOf(empty.text, 'session-title'),
      sv('forms.required', { field: sv('sessions.field.title') }),
    );
    const unknown = await post(lt, { template: 'no-such' }).expect(400);
    assert.equal(errorSummaryOf(unknown.text)[0].text, sv('forms.template_unknown'));
    assert.match(unknown.text, /<p class="error-message" id="template-error">/);
    // A field the form does not have is not silently dropped.
    const extra = await post(lt, { extra: '1' }).expect(400);
    assert.deepEqual(errorSummaryOf(extra.text), [{ href: '#main', text: sv('forms.unknown_problem') }]);
  });
});
