import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import {
  LaunchSession,
  Practice,
  PracticeAdoption,
  PracticeComment,
  PracticeReaction,
  UserRegion,
} from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { launchSession } from '../helpers/launch';
import { createPractice, form, openBoard, placeBoard, practiceForm } from './board-fixtures';

describe('the peer-learning board over HTTP', () => {
  let t: TestSilta;
  let karelia: string;
  let pirkanmaa: string;
  before(async () => {
    t = await testSilta();
    karelia = placeBoard(t, { region: 'pohjois-karjala' });
    pirkanmaa = placeBoard(t, { region: 'pirkanmaa' });
  });

  it('opens the board from a board link, in the launch language, with the region from the launch', async () => {
    const link = placeBoard(t, { region: 'varsinais-suomi' });
    const { location, lt } = await launchSession(t, {
      persona: 'developer',
      courseId: '3',
      resourceLinkId: link,
      locale: 'sv',
    });
    assert.equal(location, `/board?lt=${lt}`);
    const board = await t.request().get(location).expect(200);
    assert.match(board.text, /<html lang="sv">/);
    assert.ok(board.text.includes(translator('sv')('board.title')));
    assert.ok(board.text.includes('Egentliga Finlands välfärdsområde'), 'the region from the launch, in Swedish');
  });

  it('asks for the region on first visit when the launch has none, stores the choice and lets it change', async () => {
    const link = placeBoard(t);
    const lt = await openBoard(t, link, 'developer', { locale: 'en' });
    // Start from no choice for this user, whatever an earlier test chose.
    const session = await LaunchSession.findByPk(lt);
    await UserRegion.destroy({ where: { userId: session!.userId } });
    const first = await t.request().get(`/board?lt=${lt}`).expect(303);
    assert.equal(first.headers.location, `/board/region?lt=${lt}`);
    const choice = await t.request().get(first.headers.location).expect(200);
    assert.match(choice.text, /<select id="region" name="region"/);
    assert.equal((choice.text.match(/<option value="/g) ?? []).length, 22, '21 counties and Helsinki');
    await t
      .request()
      .post('/board/region')
      .type('form')
      .send(form(lt, { region: 'kainuu' }))
      .expect(303);
    assert.ok((await t.request().get(`/board?lt=${lt}`).expect(200)).text.includes('Kainuu Wellbeing Services County'));
    await t
      .request()
      .post('/board/region')
      .type('form')
      .send(form(lt, { region: 'lappi' }))
      .expect(303);
    assert.ok(
      (await t.request().get(`/board?lt=${lt}`).expect(200)).text.includes('Lapland Wellbeing Services County'),
    );
    const unknown = await t
      .request()
      .post('/board/region')
      .type('form')
      .set('Accept', 'application/json')
      .send(form(lt, { region: 'atlantis' }))
      .expect(404);
    assert.equal(unknown.body.error.code, 'region_not_found');
  });

  it('shows a teacher or admin the whole board without a region; they choose one only to post', async () => {
    for (const persona of ['teacher', 'admin'] as const) {
      const lt = await openBoard(t, placeBoard(t), persona, { locale: 'en' });
      const session = await LaunchSession.findByPk(lt);
      await UserRegion.destroy({ where: { userId: session!.userId } });
      const board = await t.request().get(`/board?lt=${lt}`).expect(200);
      assert.ok(
        board.text.includes(
          `<a class="button" href="/board/region?lt=${lt}">${translator('en')('board.grid.choose_region_to_post')}</a>`,
        ),
        persona,
      );
      assert.ok(!board.text.includes(`href="/board/new?lt=${lt}"`), `${persona}: no share button before a region`);
    }
  });

  it('creates a practice, lists it, filters and sorts the list, and shows its page', async () => {
    const lt = await openBoard(t, karelia, 'trainee');
    const tag = `suodatin-${Date.now()}`;
    const blank = await t.request().get(`/board/new?lt=${lt}`).expect(200);
    assert.match(blank.text, /<option value="pohjois-karjala" selected>/, "the form starts with the user's region");
    for (const name of ['title', 'summary', 'need', 'whatWasDone', 'results', 'links'])
      assert.match(
        blank.text,
        new RegExp(
          `<label for="[^"]+">[^<]+</label>\\s*(<p[^>]*>[^<]*</p>)?\\s*<(input|textarea) id="[^"]+" name="${name}"`,
        ),
        name,
      );
    const id = await createPractice(t, lt, {
      title: `Nuorten työkykypolku ${tag}`,
      themes: ['youth'],
      actors: ['education'],
      status: 'idea',
      language: 'sv',
    });
    const other = await createPractice(t, lt, {
      title: `Kelan yhteistyö ${tag}`,
      themes: ['return-to-work'],
      actors: ['kela'],
      region: 'pirkanmaa',
    });
    const stored = await Practice.findByPk(id);
    assert.equal(stored!.regionCode, 'pohjois-karjala');
    const list = async (query: string) => (await t.request().get(`/board?lt=${lt}&q=${tag}&${query}`).expect(200)).text;
    const shows = (html: string, practiceId: number) => html.includes(`/board/practices/${practiceId}?lt=`);
    const all = await list('');
    assert.ok(shows(all, id) && shows(all, other));
    for (const [query, expected] of [
      ['theme=youth', [id]],
      ['actor=kela', [other]],
      ['status=idea', [id]],
      ['language=sv', [id]],
      ['region=pirkanmaa', [other]],
      ['wave=1', [id, other]],
      ['wave=4', []],
    ] as [string, number[]][]) {
      const html = await list(query);
      assert.deepEqual(
        [id, other].filter((p) => shows(html, p)),
        expected,
        query,
      );
    }
    // Sorting: the one marked useful comes first among the two.
    await t.request().post(`/board/practices/${other}/useful`).type('form').send(form(lt)).expect(303);
    const byUseful = await list('sort=useful');
    assert.ok(byUseful.indexOf(`/board/practices/${other}?`) < byUseful.indexOf(`/board/practices/${id}?`));
    const newest = await list('sort=newest');
    assert.ok(newest.indexOf(`/board/practices/${other}?`) < newest.indexOf(`/board/practices/${id}?`));

    const page = await t.request().get(`/board/practices/${id}?lt=${lt}`).expect(200);
    assert.ok(page.text.includes(`Nuorten työkykypolku ${tag}`));
    assert.ok(page.text.includes('<strong>palvelujen väliin</strong>'), 'Markdown is rendered');
    assert.ok(page.text.includes('Pohjois-Karjalan hyvinvointialue'));
    assert.ok(page.text.includes(translator('fi')('board.actors.education')));
    assert.ok(page.text.includes('href="https://example.fi/malli"'));
  });

  it('pages the list', async () => {
    const lt = await openBoard(t, karelia, 'developer');
    const tag = `sivutus-${Date.now()}`;
    for (let i = 0; i < 21; i++) await createPractice(t, lt, { title: `${tag} ${i}` });
    const first = await t.request().get(`/board?lt=${lt}&q=${tag}`).expect(200);
    assert.equal((first.text.match(/\/board\/practices\/\d+\?lt=/g) ?? []).length, 20);
    assert.ok(first.text.includes(translator('fi')('board.page_of', { page: 1, pages: 2 })));
    const second = await t.request().get(`/board?lt=${lt}&q=${tag}&page=2`).expect(200);
    assert.equal((second.text.match(/\/board\/practices\/\d+\?lt=/g) ?? []).length, 1);
  });

  it('takes comments and one level of replies', async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const reader = await openBoard(t, pirkanmaa, 'developer');
    const id = await createPractice(t, author);
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(reader, { body: 'Miten rahoitus järjestettiin?' }))
      .expect(303);
    const comment = await PracticeComment.findOne({ where: { practiceId: id } });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Hankerahalla aluksi.', parent: String(comment!.id) }))
      .expect(303);
    const reply = await PracticeComment.findOne({ where: { practiceId: id, parentId: comment!.id } });
    assert.ok(reply);
    const deeper = await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .set('Accept', 'application/json')
      .send(form(reader, { body: 'Entä nyt?', parent: String(reply.id) }))
      .expect(400);
    assert.equal(deeper.body.error.code, 'reply_too_deep');
    const page = await t.request().get(`/board/practices/${id}?lt=${reader}`).expect(200);
    assert.ok(page.text.includes('Miten rahoitus järjestettiin?') && page.text.includes('Hankerahalla aluksi.'));
    assert.equal((await Practice.findByPk(id))!.commentCount, 2);
  });

  it('toggles the useful mark, one per user', async () => {
    const lt = await openBoard(t, karelia, 'trainee');
    const other = await openBoard(t, pirkanmaa, 'developer');
    const id = await createPractice(t, lt);
    const toggle = (token: string) =>
      t.request().post(`/board/practices/${id}/useful`).type('form').send(form(token)).expect(303);
    await toggle(lt);
    await toggle(other);
    assert.equal((await Practice.findByPk(id))!.usefulCount, 2);
    assert.match((await t.request().get(`/board/practices/${id}?lt=${lt}`)).text, /aria-pressed="true"/);
    await toggle(lt);
    assert.equal((await Practice.findByPk(id))!.usefulCount, 1);
    assert.equal(await PracticeReaction.count({ where: { practiceId: id } }), 1);
    assert.match((await t.request().get(`/board/practices/${id}?lt=${lt}`)).text, /aria-pressed="false"/);
  });

  it('records an adoption once per region; it shows on the practice and on both region pages', async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const adopter = await openBoard(t, pirkanmaa, 'developer');
    const tag = `omaksuttu-${Date.now()}`;
    const id = await createPractice(t, author, { title: tag });
    await t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .send(form(adopter, { note: 'Aloitamme syksyllä.' }))
      .expect(303);
    const again = await t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .set('Accept', 'application/json')
      .send(form(adopter, { note: 'Toinen kerta' }))
      .expect(409);
    assert.equal(again.body.error.code, 'already_adopted');
    assert.equal(await PracticeAdoption.count({ where: { practiceId: id } }), 1);
    assert.equal((await Practice.findByPk(id))!.adoptionCount, 1);
    const page = await t.request().get(`/board/practices/${id}?lt=${author}`).expect(200);
    assert.ok(page.text.includes('Pirkanmaan hyvinvointialue') && page.text.includes('Aloitamme syksyllä.'));
    const adopting = await t.request().get(`/board/regions/pirkanmaa?lt=${author}`).expect(200);
    const sharing = await t.request().get(`/board/regions/pohjois-karjala?lt=${author}`).expect(200);
    const section = (html: string, heading: string) => html.slice(html.indexOf(`id="${heading}"`));
    assert.ok(section(adopting.text, 'adopted-heading').includes(tag), 'adopted on the adopting region page');
    assert.ok(!section(adopting.text, 'shared-heading').split('id="adopted-heading"')[0].includes(tag));
    assert.ok(
      section(sharing.text, 'shared-heading').split('id="adopted-heading"')[0].includes(tag),
      'shared on the origin region page',
    );
  });

  it('lets the author edit and delete their own practice and refuses others', async () => {
    const author = await openBoard(t, karelia, 'trainee');
    const other = await openBoard(t, pirkanmaa, 'developer');
    const id = await createPractice(t, author, { title: 'Alkuperäinen' });
    const refused = await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .set('Accept', 'application/json')
      .send(practiceForm(other, { title: 'Kaapattu' }))
      .expect(403);
    assert.equal(refused.body.error.code, 'forbidden');
    await t
      .request()
      .post(`/board/practices/${id}/delete`)
      .type('form')
      .set('Accept', 'application/json')
      .send(form(other))
      .expect(403);
    await t.request().get(`/board/practices/${id}/edit?lt=${other}`).expect(403);
    assert.equal((await Practice.findByPk(id))!.title, 'Alkuperäinen');
    await t.request().get(`/board/practices/${id}/edit?lt=${author}`).expect(200);
    await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .send(practiceForm(author, { title: 'Muokattu', status: 'established' }))
      .expect(303);
    const edited = await Practice.findByPk(id);
    assert.deepEqual([edited!.title, edited!.status], ['Muokattu', 'established']);
    await t.request().post(`/board/practices/${id}/delete`).type('form').send(form(author)).expect(303);
    assert.equal(await Practice.findByPk(id), null);
    await t.request().get(`/board/practices/${id}?lt=${author}`).expect(404);
  });
});
