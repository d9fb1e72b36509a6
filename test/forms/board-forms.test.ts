import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { Practice, PracticeComment } from '../../server/store/models';
import { createPractice, form, openBoard, placeBoard, practiceForm } from '../board/board-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from './form-page';

describe('board forms re-render with an error summary and field messages', () => {
  let t: TestSilta;
  let link: string;
  before(async () => {
    t = await testSilta();
    link = placeBoard(t, { region: 'pohjois-karjala' });
  });

  it('the practice form keeps what was typed and says what is wrong with the links', async () => {
    const lt = await openBoard(t, link, 'trainee', { locale: 'en' });
    const before = await Practice.count();
    const page = await t
      .request()
      .post('/board/practices')
      .type('form')
      .send(practiceForm(lt, { title: 'Oma otsikko <b>', links: 'thl.fi', summary: '   ' }))
      .expect(400);
    const en = translator('en');
    assert.deepEqual(errorSummaryOf(page.text), [
      { href: '#p-summary', text: en('forms.required', { field: en('board.field.summary') }) },
      { href: '#p-links', text: en('forms.links') },
    ]);
    assert.equal(fieldMessageOf(page.text, 'p-links'), en('forms.links'));
    assert.equal(fieldValueOf(page.text, 'p-title'), 'Oma otsikko &lt;b&gt;');
    assert.equal(fieldValueOf(page.text, 'p-links'), 'thl.fi');
    assert.match(page.text, /<input type="checkbox" name="actors" value="kela" id="a-kela" checked>/);
    assert.match(page.text, /<title>Error: /);
    assert.equal(await Practice.count(), before, 'nothing was saved');
  });

  it('too many links is said as their limit at the links field, not as a malformed address', async () => {
    const lt = await openBoard(t, link, 'trainee', { locale: 'fi' });
    const before = await Practice.count();
    const links = Array.from({ length: 11 }, (_, i) => `https://example.fi/${i}`).join('\n');
    const page = await t.request().post('/board/practices').type('form').send(practiceForm(lt, { links })).expect(400);
    const fi = translator('fi');
    const message = fi('forms.too_many', { field: fi('board.field.links'), max: 10 });
    assert.equal(message, 'Kentässä Linkit voi olla enintään 10 kohtaa.');
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#p-links', text: message }]);
    assert.equal(fieldMessageOf(page.text, 'p-links'), message);
    assert.equal(await Practice.count(), before, 'nothing was saved');
  });

  it('an unknown region is a message at the region select', async () => {
    const lt = await openBoard(t, link, 'trainee', { locale: 'sv' });
    const page = await t
      .request()
      .post('/board/practices')
      .type('form')
      .send(practiceForm(lt, { region: 'atlantis', title: 'Behåll mig' }))
      .expect(400);
    assert.equal(fieldMessageOf(page.text, 'p-region'), translator('sv')('forms.region_unknown'));
    assert.equal(fieldValueOf(page.text, 'p-title'), 'Behåll mig');
  });

  it('the edit form comes back with the edit action and the typed values', async () => {
    const lt = await openBoard(t, link, 'trainee', { locale: 'fi' });
    const id = await createPractice(t, lt);
    const page = await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .send(practiceForm(lt, { title: 'x'.repeat(201) }))
      .expect(400);
    assert.match(page.text, new RegExp(`action="/board/practices/${id}"`));
    const fi = translator('fi');
    assert.equal(
      fieldMessageOf(page.text, 'p-title'),
      fi('forms.too_long', { field: fi('board.field.title'), max: 200 }),
    );
    assert.equal((await Practice.findByPk(id))!.title, 'Työkykykoordinaattori', 'unchanged');
  });

  it('the comment form keeps the comment and names the problem', async () => {
    const lt = await openBoard(t, link, 'trainee', { locale: 'en' });
    const id = await createPractice(t, lt);
    const typed = `${'Pitkä kommentti. '.repeat(300)}`;
    const page = await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(lt, { body: typed }))
      .expect(400);
    const en = translator('en');
    const message = en('forms.too_long', { field: en('board.add_comment'), max: 4000 });
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#comment-body', text: message }]);
    assert.equal(fieldMessageOf(page.text, 'comment-body'), message);
    assert.equal(fieldValueOf(page.text, 'comment-body'), typed);
    const empty = await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(lt, { body: '' }))
      .expect(400);
    assert.equal(fieldMessageOf(empty.text, 'comment-body'), en('forms.required', { field: en('board.add_comment') }));
    assert.equal(await PracticeComment.count({ where: { practiceId: id } }), 0);
  });
});
