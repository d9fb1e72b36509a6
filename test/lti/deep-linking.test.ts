import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import supertest from 'supertest';
import { CLAIM } from '../../lti/claims';
import { translator } from '../../server/i18n';
import { LaunchSession } from '../../server/store/models';
import { formFields, launchSession } from '../helpers/launch';
import { assertRejection } from '../helpers/rejections';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { ModuleRecord } from '../../server/store/module-version-models';

const COURSE = '3';

type ContentItem = {
  type: string;
  title: string;
  url: string;
  custom?: Record<string, string>;
  lineItem?: { scoreMaximum: number; label: string };
};

describe('deep linking', () => {
  let t: TestSilta;
  before(async () => {
    t = await testSilta();
  });

  const teacherPicker = (locale = 'sv') =>
    launchSession(t, { persona: 'teacher', courseId: COURSE, locale, messageType: 'LtiDeepLinkingRequest' });
  const MODULE = 'module-work-ability-service-chain';
  const postSelection = (fields: string) => t.request().post('/lti/deep-link').type('form').send(fields);
  const selection = (lt: string, items: string[], titles: Record<string, string> = {}) =>
    new URLSearchParams([
      ['lt', lt],
      ...items.map((kind) => ['items', kind]),
      ...Object.entries(titles).map(([kind, title]) => [`title_${kind}`, title]),
    ]).toString();

  it('shows a teacher the picker in their language, listing every module, the board and a session', async () => {
    const { location } = await teacherPicker('sv');
    assert.match(location, /^\/lti\/deep-link\?lt=/);
    const page = await t.request().get(location).expect(200);
    const sv = translator('sv');
    assert.match(page.text, /<html lang="sv">/);
    assert.ok(page.text.includes(sv('deep_link.title')));
    for (const kind of ['board', 'session']) {
      assert.ok(page.text.includes(`value="${kind}"`), kind);
      assert.ok(page.text.includes(sv(`catalogue.${kind}.title`)), `${kind} title in Swedish`);
    }
    // Every module pack, titled in the teacher's language.
    for (const pack of t.packs.values()) {
      assert.ok(page.text.includes(`value="module-${pack.slug}"`), pack.slug);
      assert.ok(page.text.includes(pack.title.sv), `${pack.slug} title in Swedish`);
    }
    // Every module the database serves, the board and a session (other tests of the suite publish modules too).
    assert.equal([...page.text.matchAll(/name="items"/g)].length, (await ModuleRecord.count()) + 2);
  });

  it('returns a signed LtiDeepLinkingResponse that the platform accepts, and the placed module launches with target=module', async () => {
    const { lt } = await teacherPicker('en');
    const response = await postSelection(
      selection(lt, [MODULE, 'board', 'session'], { [MODULE]: 'Työkyvyn tuki, osa 1' }),
    ).expect(200);
    const returnUrl = `${t.devPlatform.issuer}/deep-link-return?course=${COURSE}`;
    assert.ok(response.text.includes(`action="${returnUrl.replace(/=/g, '&#x3D;')}"`), 'posts to the return URL');
    const nonce = /<script nonce="([^"]+)">[^<]*\.submit\(\)/.exec(response.text)?.[1]?.replace(/&#x3D;/g, '=');
    assert.ok(nonce, 'an auto-submitting script');
    assert.ok(
      String(response.headers['content-security-policy']).includes(`'nonce-${nonce}'`),
      'the script is allowed by the CSP',
    );
    assert.match(
      String(response.headers['content-security-policy']),
      new RegExp(`form-action [^;]*${new URL(returnUrl).origin.replace(/\./g, '\\.')}`),
    );

    const jwt = formFields(response.text).JWT;
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${t.baseUrl}/lti/keys`)), {
      issuer: t.devPlatform.clientId,
      audience: t.devPlatform.issuer,
    });
    assert.equal(payload[CLAIM.messageType], 'LtiDeepLinkingResponse');
    assert.equal(payload[CLAIM.version], '1.3.0');
    assert.equal(payload[CLAIM.deploymentId], t.devPlatform.deploymentId);
    assert.equal(payload[CLAIM.deepLinkingData], `course-${COURSE}`);
    const items = payload[CLAIM.deepLinkingContentItems] as ContentItem[];
    assert.deepEqual(
      items.map((i) => [i.type, i.custom?.target]),
      [
        ['ltiResourceLink', 'module'],
        ['ltiResourceLink', 'board'],
        ['ltiResourceLink', 'session'],
      ],
    );
    assert.equal(items[0].title, 'Työkyvyn tuki, osa 1');
    assert.equal(items[1].title, translator('en')('catalogue.board.title'));
    assert.ok(items.every((i) => i.url === `${t.baseUrl}/lti/launch`));
    assert.deepEqual(
      { scoreMaximum: items[0].lineItem?.scoreMaximum, label: items[0].lineItem?.label },
      { scoreMaximum: 100, label: 'Työkyvyn tuki, osa 1' },
    );
    assert.equal(items[1].lineItem, undefined, 'the board is not graded');
    assert.equal(items[2].lineItem, undefined, 'a session is not graded');

    const before = t.devPlatform.linksOf(COURSE).length;
    const platformUrl = new URL(returnUrl);
    await supertest(t.server)
      .post(platformUrl.pathname + platformUrl.search)
      .type('form')
      .send({ JWT: jwt })
      .expect(200);
    const placed = t.devPlatform.linksOf(COURSE).slice(before);
    assert.deepEqual(
      placed.map((l) => [l.title, l.custom.target, !!l.lineItemId]),
      [
        ['Työkyvyn tuki, osa 1', 'module', true],
        [translator('en')('catalogue.board.title'), 'board', false],
        [translator('en')('catalogue.session.title'), 'session', false],
      ],
    );

    const module = await launchSession(t, { persona: 'trainee', courseId: COURSE, resourceLinkId: placed[0].id });
    const session = await LaunchSession.findByPk(module.lt);
    assert.deepEqual(JSON.parse(session!.custom ?? '{}'), { target: 'module', module: 'work-ability-service-chain' });
  });

  it('does not open the picker for a learner', async () => {
    const { location } = await launchSession(t, {
      persona: 'trainee',
      courseId: COURSE,
      locale: 'en',
      messageType: 'LtiDeepLinkingRequest',
    });
    assertRejection(await t.request().get(location), { status: 403, code: 'forbidden', lang: 'en' });
  });

  it('refuses a deep-linking response from a learner', async () => {
    const { lt } = await launchSession(t, {
      persona: 'trainee',
      courseId: COURSE,
      locale: 'sv',
      messageType: 'LtiDeepLinkingRequest',
    });
    const response = await postSelection(selection(lt, [MODULE]));
    assertRejection(response, { status: 403, code: 'forbidden', lang: 'sv' });
    assert.doesNotMatch(response.text, /name="JWT"/);
  });

  it('refuses a deep-linking response from a resource-link session', async () => {
    const { lt } = await launchSession(t, { persona: 'teacher', courseId: COURSE, locale: 'en' });
    const response = await postSelection(selection(lt, [MODULE]));
    assertRejection(response, { status: 400, code: 'not_deep_linking', lang: 'en' });
    assert.doesNotMatch(response.text, /name="JWT"/);
    assertRejection(await t.request().get(`/lti/deep-link?lt=${lt}`), {
      status: 400,
      code: 'not_deep_linking',
      lang: 'en',
    });
  });

  it('refuses an unknown item kind or an over-long title, sends nothing and keeps the session', async () => {
    const { lt } = await teacherPicker('fi');
    for (const fields of [
      selection(lt, ['quiz']),
      selection(lt, [MODULE, 'quiz']),
      selection(lt, []),
      selection(lt, [MODULE], { [MODULE]: 'x'.repeat(300) }),
    ]) {
      const response = await postSelection(fields);
      assertRejection(response, { status: 400, code: 'validation_failed', lang: 'fi' });
      assert.doesNotMatch(response.text, /name="JWT"/, 'no response is sent to the platform');
    }
    // The session was not spent by the refusals: a valid choice still works.
    const ok = await postSelection(selection(lt, ['board'])).expect(200);
    assert.match(ok.text, /name="JWT"/);
  });

  it('places an item once even when the form names it twice', async () => {
    const { lt } = await teacherPicker('fi');
    const response = await postSelection(selection(lt, [MODULE, MODULE])).expect(200);
    const items = decodeJwt(formFields(response.text).JWT)[CLAIM.deepLinkingContentItems] as ContentItem[];
    assert.equal(items.length, 1);
  });

  it('ends the deep-linking session once the response is sent', async () => {
    const { lt, location } = await teacherPicker('sv');
    await postSelection(selection(lt, ['session'])).expect(200);
    assertRejection(await postSelection(selection(lt, ['session'])), {
      status: 401,
      code: 'session_expired',
      lang: 'fi',
    });
    assertRejection(await t.request().get(location).set('Accept-Language', 'sv'), {
      status: 401,
      code: 'session_expired',
      lang: 'sv',
    });
  });
});
