import assert from 'node:assert/strict';
import { launchSession, loginAndAuthorize } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

describe('LTI launch through the development platform', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  it('launches a trainee and shows a Finnish landing page with who they are', async () => {
    const { location } = await launchSession(t, { persona: 'trainee', locale: 'fi' });
    assert.match(location, /^\/app\?lt=/);
    const page = await t.request().get(location).expect(200);
    assert.match(page.text, /<html lang="fi">/);
    assert.match(page.text, /Tervetuloa, Aino Virtanen/);
    assert.match(page.text, /Työterveyshuollon erikoistumiskoulutus/);
    assert.match(page.text, /Opiskelija/);
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
    await t.request().post('/lti/launch').type('form').send({ id_token: idToken, state }).expect(303);
    // The same form posted again (a reload, or a browser that lost the launch): the state is spent.
    const again = await t.request().post('/lti/launch').type('form').set('Accept-Language', 'sv').send({ id_token: idToken, state }).expect(401);
    assert.match(again.text, /lti_state_mismatch/);
    const returnUrl = `${t.devPlatform.issuer}/?course=2`.replace(/=/g, '&#x3D;');
    assert.ok(again.text.includes(`href="${returnUrl}" target="_blank"`), 'a new-window button to the course');

    t.devPlatform.tamper = (claims) => {
      claims['https://purl.imsglobal.org/spec/lti/claim/launch_presentation'] = { return_url: 'https://evil.example/phish' };
    };
    try {
      const forged = await loginAndAuthorize(t);
      await t.request().post('/lti/launch').type('form').send({ id_token: forged.idToken, state: forged.state }).expect(303);
      const replay = await t.request().post('/lti/launch').type('form').send({ id_token: forged.idToken, state: forged.state }).expect(401);
      assert.doesNotMatch(replay.text, /evil\.example/);
    } finally {
      t.devPlatform.tamper = undefined;
    }
  });
});
