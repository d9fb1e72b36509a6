import assert from 'node:assert/strict';
import { translator } from '../../server/i18n';
import { errorSummaryOf, fieldMessageOf } from '../forms/form-page';
import { seedDemo } from '../../server/domain/demo/demo';
import { loadDemoBoard } from '../../server/domain/demo/demo-board';
import { demoSub } from '../../server/domain/demo/demo-seed.service';
import { ConfigError, loadEnv } from '../../server/env';
import { Practice, PracticeAdoption, PracticeComment, User } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';

// Its own board, so the demo practices stay out of other tests' counts; removed afterwards.
const BOARD = 'demo-seed-test';

describe('first-run demo data on the development platform', () => {
  let t: TestSilta;
  const demo = loadDemoBoard();
  const seed = () =>
    seedDemo({ sequelize: t.silta.sequelize, devPlatform: t.devPlatform, packs: t.packs, boardKey: BOARD });
  let linksBefore: Set<string>;
  before(async () => {
    t = await testSilta();
    linksBefore = new Set(t.devPlatform.links.keys());
  });
  after(async () => {
    await Practice.destroy({ where: { issuer: t.devPlatform.issuer, boardKey: BOARD } });
    for (const id of [...t.devPlatform.links.keys()]) if (!linksBefore.has(id)) t.devPlatform.links.delete(id);
  });

  it('is off in tests and production unless asked for, on in development, refused without the development platform', () => {
    assert.equal(t.env.demoData, false);
    assert.equal(loadEnv({ NODE_ENV: 'development' }).demoData, true);
    assert.equal(loadEnv({ NODE_ENV: 'test', DEMO_DATA: 'true' }).demoData, true);
    assert.equal(loadEnv({ NODE_ENV: 'development', DEMO_DATA: 'false' }).demoData, false);
    assert.equal(loadEnv({ NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(32) }).demoData, false);
    assert.throws(
      () => loadEnv({ NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(32), DEMO_DATA: 'true' }),
      (e: unknown) => e instanceof ConfigError && /DEMO_DATA needs the development platform/.test(e.message),
    );
    assert.throws(() => loadEnv({ NODE_ENV: 'development', DEV_PLATFORM: 'false', DEMO_DATA: 'true' }), ConfigError);
  });

  it('places a module, the board and a live session in each course and seeds the board once', async () => {
    const first = await seed();
    assert.deepEqual(first, {
      practices: demo.practices.length,
      adoptions: demo.adoptions.length,
      comments: demo.comments.length,
    });
    assert.ok(first.practices >= 4 && first.adoptions >= 1 && first.comments >= 1);
    const scope = { issuer: t.devPlatform.issuer, boardKey: BOARD };
    const languages = (await Practice.findAll({ where: scope })).map((p) => p.language);
    assert.ok(languages.includes('fi') && languages.includes('sv'), 'practices in Finnish and Swedish');
    assert.ok(
      new Set((await Practice.findAll({ where: scope })).map((p) => p.regionCode)).size >= 3,
      'from a few regions',
    );

    const counts = async () => ({
      practices: await Practice.count({ where: scope }),
      adoptions: await PracticeAdoption.count(),
      comments: await PracticeComment.count(),
      users: await User.count({ where: { issuer: t.devPlatform.issuer } }),
      links: t.devPlatform.links.size,
    });
    const before = await counts();
    assert.deepEqual(await seed(), { practices: 0, adoptions: 0, comments: 0 }, 'seeding twice creates nothing new');
    assert.deepEqual(await counts(), before);
    assert.ok(await User.findOne({ where: { issuer: t.devPlatform.issuer, sub: demoSub(demo.people[0]) } }));

    for (const course of ['2', '3']) {
      const targets = t.devPlatform
        .linksOf(course)
        .map((l) => (l.custom.board === BOARD || !l.custom.board ? l.custom.target : undefined));
      for (const kind of ['module', 'board', 'session'])
        assert.equal(targets.filter((k) => k === kind).length >= 1, true, `${kind} in course ${course}`);
    }
  });

  it('the development platform page offers the demo activities, and each launch lands on its page', async () => {
    await seed();
    const page = await t.request().get('/dev/platform?course=3&lang=en').expect(200);
    const links = t.devPlatform
      .linksOf('3')
      .filter(
        (l) =>
          l.custom.board === BOARD || (l.custom.target === 'module' && l.lineItemId) || l.custom.target === 'session',
      );
    for (const link of links) assert.ok(page.text.includes(`value="${link.id}"`), `activity ${link.title} is offered`);
    const module = links.find((l) => l.custom.target === 'module')!;
    assert.match(
      (await launchSession(t, { persona: 'trainee', courseId: '3', resourceLinkId: module.id })).location,
      /^\/modules\?lt=/,
    );
    const session = links.find((l) => l.custom.target === 'session')!;
    assert.match(
      (await launchSession(t, { persona: 'teacher', courseId: '3', resourceLinkId: session.id })).location,
      /^\/sessions\/start\?lt=/,
    );
  });

  it('a launch into the demo board shows the demo practices, the adoption and the comment', async () => {
    await seed();
    const board = t.devPlatform.linksOf('3').find((l) => l.custom.board === BOARD)!;
    const { location, lt } = await launchSession(t, {
      persona: 'developer',
      courseId: '3',
      resourceLinkId: board.id,
      locale: 'fi',
      region: 'pirkanmaa',
    });
    assert.equal(location, `/board?lt=${lt}`);
    const listing = await t.request().get(location).expect(200);
    for (const practice of demo.practices)
      assert.ok(listing.text.includes(practice.input.title), `shows "${practice.input.title}"`);
    const adopted = demo.practices.find((p) => p.key === demo.adoptions[0].practice)!;
    const adoptedId = (await Practice.findOne({ where: { boardKey: BOARD, title: adopted.input.title } }))!.id;
    const page = await t.request().get(`/board/practices/${adoptedId}?lt=${lt}`).expect(200);
    assert.ok(page.text.includes('Pirkanmaan hyvinvointialue'), 'the adopting region');
    const commented = demo.practices.find((p) => p.key === demo.comments[0].practice)!;
    const commentedId = (await Practice.findOne({ where: { boardKey: BOARD, title: commented.input.title } }))!.id;
    const withComment = await t.request().get(`/board/practices/${commentedId}?lt=${lt}`).expect(200);
    assert.ok(withComment.text.includes(demo.comments[0].body.slice(0, 40)), 'the comment');
    assert.ok(withComment.text.includes('Sanna Hirvonen'), "the commenter's name");
  });
});

describe('counts on the board say their plural', () => {
  it('"adopted by 1 region" and "1 comment", in fi, sv and en, on the demo board', async () => {
    const t = await testSilta();
    await seedDemo({ sequelize: t.silta.sequelize, devPlatform: t.devPlatform, packs: t.packs, boardKey: BOARD });
    const board = t.devPlatform.linksOf('3').find((l) => l.custom.board === BOARD)!;
    const expected = {
      en: ['adopted by 1 region', '1 comment', 'adopted by 0 regions'],
      fi: ['käyttöön 1 alueella', '1 kommentti', '0 kommenttia'],
      sv: ['införd i 1 område', '1 kommentar', 'införd i 0 områden'],
    };
    for (const [locale, phrases] of Object.entries(expected)) {
      const { location } = await launchSession(t, {
        persona: 'teacher',
        courseId: '3',
        resourceLinkId: board.id,
        locale,
      });
      const text = (await t.request().get(location).expect(200)).text.replace(/\s+/g, ' ');
      // The phrase as a whole: "1 comment" must not be the start of "1 comments".
      for (const phrase of phrases) assert.match(text, new RegExp(`${phrase}(?![a-zåäö])`), `${locale}: "${phrase}"`);
      assert.ok(!/\b1 (regions|områden|comments|kommentarer)\b/.test(text), `${locale}: no plural after 1`);
    }
    await Practice.destroy({ where: { issuer: t.devPlatform.issuer, boardKey: BOARD } });
  });
});

describe('the development platform launch form', () => {
  it('a forged choice re-renders the page with the summary and the message at its field', async () => {
    const t = await testSilta();
    const page = await t
      .request()
      .post('/dev/platform/launch?lang=en')
      .type('form')
      .send({ persona: 'hacker', courseId: '2', locale: 'fi', messageType: 'LtiResourceLinkRequest' })
      .expect(400);
    const message = translator('en')('forms.choose', { field: translator('en')('dev.persona_label') });
    assert.deepEqual(errorSummaryOf(page.text), [{ href: '#persona', text: message }]);
    assert.equal(fieldMessageOf(page.text, 'persona'), message);
    assert.match(page.text, /name="resourceLinkId"/, 'the whole form, to launch again');
  });
});
