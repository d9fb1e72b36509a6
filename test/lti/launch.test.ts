import assert from 'node:assert/strict';
import { Context, LaunchSession, Membership, ResourceLink, User } from '../../server/store/models';
import { launch, launchSession, loginAndAuthorize } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

describe('LTI launch through the development platform', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('launches a trainee and shows a Finnish landing page with who they are', async () => {
    const { location, response } = await launchSession(t, { persona: 'trainee', locale: 'fi' });
    // The launch answers with the landing page itself and gives the browser its GET address.
    assert.equal(response.status, 200);
    assert.match(location, /^\/app\?lt=[A-Za-z0-9_-]{32}$/);
    assert.match(response.text, /<script src="\/public\/js\/page-address.js" defer><\/script>/);
    const page = await t.request().get(location).expect(200);
    for (const text of [response.text, page.text]) {
      assert.match(text, /<html lang="fi">/);
      assert.match(text, /Tervetuloa, Aino Virtanen/);
      assert.match(text, /Työterveyshuollon erikoistumiskoulutus/);
      assert.match(text, /Opiskelija/);
    }
    assert.doesNotMatch(page.text, /silta-page-address/, 'a page fetched at its own address needs no other');
  });

  it('opens a link placed as a module, board or live session straight on its page', async () => {
    for (const [custom, page] of [
      [{ target: 'module', module: 'work-ability-service-chain' }, '/modules'],
      [{ target: 'board' }, '/board'],
      [{ target: 'session' }, '/sessions/start'],
    ] as const) {
      const link = t.devPlatform.placeLink({ courseId: '2', title: page, custom });
      const { location, lt, response } = await launchSession(t, { resourceLinkId: link.id });
      assert.equal(response.status, 303);
      assert.equal(location, `${page}?lt=${lt}`);
      // The landing page's address leads to the same page (a bookmark, the language switch).
      assert.equal((await t.request().get(`/app?lt=${lt}`).expect(303)).headers.location, location);
    }
  });

  it('opens 20 simultaneous first launches of one person into one new course (double clicks, tabs): 20 pages, one row each', async () => {
    // A person and a course Silta has never seen, whatever the other tests launched.
    const sub = `new-${Date.now()}`;
    const contextId = `course-${sub}`;
    const CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
    t.devPlatform.tamper = (claims) => {
      claims.sub = sub;
      claims[CONTEXT] = { ...(claims[CONTEXT] as object), id: contextId };
    };
    let responses: Awaited<ReturnType<typeof launch>>[];
    try {
      // Logins and platform steps first, then the 20 id_token posts at once: they race on the
      // same user, course, link and membership rows.
      const tokens = await Promise.all(
        Array.from({ length: 20 }, () => loginAndAuthorize(t, { persona: 'admin', locale: 'en' })),
      );
      responses = await Promise.all(
        tokens.map(({ idToken, state }) =>
          t.request().post('/lti/launch').type('form').send({ id_token: idToken, state }),
        ),
      );
    } finally {
      t.devPlatform.tamper = undefined;
    }
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(20).fill(200),
      responses.map((r) => r.text.slice(0, 200)).join('\n'),
    );
    for (const r of responses) assert.match(r.text, /<html lang="en">/);
    const users = await User.findAll({ where: { sub } });
    const contexts = await Context.findAll({ where: { ltiContextId: contextId } });
    assert.equal(users.length, 1);
    assert.equal(contexts.length, 1);
    assert.equal(await ResourceLink.count({ where: { contextId: contexts[0].id } }), 1);
    assert.equal(await Membership.count({ where: { userId: users[0].id, contextId: contexts[0].id } }), 1);
    // Each launch has its own launch session, all pointing at the one user and course.
    assert.equal(await LaunchSession.count({ where: { userId: users[0].id, contextId: contexts[0].id } }), 20);
  });

  it('answers a repeat launch from what it wrote, and the page equals the one read back from the store', async () => {
    await launchSession(t, { persona: 'developer', locale: 'sv_fi' });
    // The second launch of the same person and course writes only its session (nothing changed).
    const { location, response } = await launchSession(t, { persona: 'developer', locale: 'sv_fi' });
    const page = await t.request().get(location).expect(200);
    const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
    assert.match(response.text, /<html lang="sv">/);
    assert.equal(main(response.text), main(page.text));
  });

  it('shows the stored name when a platform leaves the name out of a launch', async () => {
    await launchSession(t, { persona: 'trainee', locale: 'fi' });
    t.devPlatform.tamper = (claims) => {
      for (const claim of ['name', 'given_name', 'family_name', 'email']) delete claims[claim];
    };
    try {
      const { response } = await launchSession(t, { persona: 'trainee', locale: 'fi' });
      assert.equal(response.status, 200);
      assert.match(response.text, /Tervetuloa, Aino Virtanen/);
    } finally {
      t.devPlatform.tamper = undefined;
    }
  });

  it('launches a person as a new user when another instance erased them after this one remembered their row', async () => {
    const first = await launchSession(t, { persona: 'trainee', locale: 'fi' });
    const { userId } = (await LaunchSession.findByPk(first.lt))!;
    // Another instance erases the person: this process's memory of the row is now wrong.
    await User.update(
      { sub: `erased:${userId}`, name: null, givenName: null, familyName: null, email: null },
      { where: { id: userId } },
    );
    const again = await launchSession(t, { persona: 'trainee', locale: 'fi' });
    assert.equal(again.response.status, 200);
    assert.match(again.response.text, /Tervetuloa, Aino Virtanen/);
    const session = (await LaunchSession.findByPk(again.lt))!;
    assert.notEqual(session.userId, userId);
    assert.equal((await User.findByPk(session.userId))!.sub, '101');
    await t.request().get(again.location).expect(200);
  });

  it('follows Moodle locale codes: sv_fi gives Swedish, en_us English', async () => {
    const sv = await launchSession(t, { persona: 'teacher', locale: 'sv_fi' });
    const svPage = await t.request().get(sv.location).expect(200);
    assert.match(svPage.text, /<html lang="sv">/);
    assert.match(svPage.text, /Lärare/);
    const en = await launchSession(t, { persona: 'teacher', locale: 'en_us' });
    const enPage = await t.request().get(en.location).expect(200);
    assert.match(enPage.text, /<html lang="en">/);
    assert.match(enPage.text, /Teacher/);
  });

  it('lets the user switch language for the rest of the session', async () => {
    const { lt } = await launchSession(t, { locale: 'fi' });
    const switched = await t.request().get(`/app?lt=${lt}&lang=sv`).expect(200);
    assert.match(switched.text, /<html lang="sv">/);
    const again = await t.request().get(`/app?lt=${lt}`).expect(200);
    assert.match(again.text, /<html lang="sv">/);
  });

  it('offers to open the course in a new window when a launch cannot be completed, only towards a registered platform', async () => {
    const { idToken, state } = await loginAndAuthorize(t, { locale: 'sv' });
    await t.request().post('/lti/launch').type('form').send({ id_token: idToken, state }).expect(200);
    // The same form posted again (a reload, or a browser that lost the launch): the state is spent.
    const again = await t
      .request()
      .post('/lti/launch')
      .type('form')
      .set('Accept-Language', 'sv')
      .send({ id_token: idToken, state })
      .expect(401);
    assert.match(again.text, /lti_state_mismatch/);
    const returnUrl = `${t.devPlatform.issuer}/?course=2`.replace(/=/g, '&#x3D;');
    assert.ok(again.text.includes(`href="${returnUrl}" target="_blank"`), 'a new-window button to the course');

    t.devPlatform.tamper = (claims) => {
      claims['https://purl.imsglobal.org/spec/lti/claim/launch_presentation'] = {
        return_url: 'https://evil.example/phish',
      };
    };
    try {
      const forged = await loginAndAuthorize(t);
      await t
        .request()
        .post('/lti/launch')
        .type('form')
        .send({ id_token: forged.idToken, state: forged.state })
        .expect(200);
      const replay = await t
        .request()
        .post('/lti/launch')
        .type('form')
        .send({ id_token: forged.idToken, state: forged.state })
        .expect(401);
      assert.doesNotMatch(replay.text, /evil\.example/);
    } finally {
      t.devPlatform.tamper = undefined;
    }
  });
});
