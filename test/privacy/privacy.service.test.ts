import assert from 'node:assert/strict';
import { eraseUser, exportUser } from '../../server/domain/privacy/privacy.service';
import { SiltaError, ValidationError } from '../../server/errors';
import {
  GradeOutbox,
  LaunchSession,
  Membership,
  ModuleAttempt,
  Practice,
  PracticeAdoption,
  PracticeComment,
  PracticeReaction,
  StepAnswer,
  User,
  UserRegion,
} from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { createPractice, form, openBoard, placeBoard } from '../board/board-fixtures';
import { personWithData, REFLECTION } from './privacy-fixtures';

type Exported = Awaited<ReturnType<typeof exportUser>>;
const section = (e: Exported, name: string) => e.data[name] as Record<string, unknown> & unknown[];

describe('personal data: export and erasure', () => {
  let t: TestSilta;
  let p: Awaited<ReturnType<typeof personWithData>>;
  const developer = () => ({ issuer: t.devPlatform.issuer, sub: '102' });
  const html = (path: string, lt: string) =>
    t
      .request()
      .get(`${path}${path.includes('?') ? '&' : '?'}lt=${lt}`)
      .expect(200);

  before(async () => {
    t = await testSilta();
    p = await personWithData(t, 'A');
  });

  it('exports everything held about the user as JSON, without launch tokens', async () => {
    const exported = await exportUser({ sequelize: t.silta.sequelize, user: developer() });
    assert.equal(exported.format, 'silta-personal-data/1');
    assert.equal(exported.userId, p.userId);
    const account = section(exported, 'account') as unknown as {
      user: Record<string, unknown>;
      memberships: { context: { ltiContextId: string } }[];
      launchSessions: Record<string, unknown>[];
      region: string;
    };
    assert.deepEqual(
      [account.user.givenName, account.user.familyName, account.user.email, account.user.sub],
      ['Elias', 'Korhonen', 'elias.korhonen@example.fi', '102'],
    );
    assert.ok(account.memberships.some((m) => m.context.ltiContextId === '2'));
    assert.ok(account.launchSessions.length >= 2);
    assert.ok(account.launchSessions.every((s) => !('id' in s)));
    assert.equal(account.region, 'pohjois-karjala');
    const attempts = section(exported, 'modules') as unknown as {
      id: number;
      answers: { answer: { text?: string } }[];
    }[];
    const attempt = attempts.find((a) => a.id === p.attempt)!;
    assert.ok(
      attempt.answers.some((a) => String(a.answer?.text ?? a.answer).includes(REFLECTION)),
      JSON.stringify(attempt.answers).slice(0, 300),
    );
    assert.ok((section(exported, 'grades') as unknown as { id: number }[]).some((g) => g.id === p.grade.id));
    const board = section(exported, 'board') as unknown as Record<string, { id: number; practiceId?: number }[]>;
    // The persona may have posted in other tests of the same run: what this test made must be there.
    assert.ok(board.practices.some((x) => x.id === p.own));
    assert.ok(!board.practices.some((x) => x.id === p.others), "another person's practice is not theirs");
    assert.ok(board.comments.some((x) => x.id === p.comment.id));
    assert.ok(board.usefulMarks.some((x) => x.practiceId === p.others));
    assert.ok(board.adoptions.some((x) => x.practiceId === p.others));
    const json = JSON.stringify(exported);
    for (const token of [p.moduleLt, p.developerLt]) assert.ok(!json.includes(token), 'no launch token in the export');
  });

  it('refuses a malformed or unknown user and changes nothing', async () => {
    const before = (await User.findAll({ order: [['id', 'ASC']], raw: true })).map((u) => JSON.stringify(u));
    for (const user of [
      { issuer: 'not a url', sub: '102' },
      { issuer: t.devPlatform.issuer, sub: '' },
      { userId: -1 },
      {},
    ] as never[]) {
      await assert.rejects(
        eraseUser({ sequelize: t.silta.sequelize, user }),
        (e: unknown) => e instanceof ValidationError && e.code === 'validation_failed',
        JSON.stringify(user),
      );
    }
    for (const user of [
      { issuer: t.devPlatform.issuer, sub: 'nobody-here' },
      { issuer: 'https://other.example.fi', sub: '102' },
      { userId: 999_999 },
    ]) {
      await assert.rejects(
        eraseUser({ sequelize: t.silta.sequelize, user }),
        (e: unknown) => e instanceof SiltaError && e.code === 'user_not_found',
      );
      await assert.rejects(
        exportUser({ sequelize: t.silta.sequelize, user }),
        (e: unknown) => e instanceof SiltaError && e.code === 'user_not_found',
      );
    }
    assert.deepEqual(
      (await User.findAll({ order: [['id', 'ASC']], raw: true })).map((u) => JSON.stringify(u)),
      before,
    );
  });

  it('erasure anonymises the user and keeps their posts under "deleted user"; boards and modules keep working', async () => {
    const result = await eraseUser({ sequelize: t.silta.sequelize, user: developer() });
    assert.deepEqual(result, { userId: p.userId, removed: false, alreadyErased: false });

    const user = (await User.findByPk(p.userId))!;
    assert.deepEqual([user.name, user.givenName, user.familyName, user.email], [null, null, null, null]);
    assert.match(user.sub, /^erased:[0-9a-f-]{36}$/);
    assert.equal(await LaunchSession.count({ where: { userId: p.userId } }), 0);
    assert.equal(await Membership.count({ where: { userId: p.userId } }), 0);
    assert.equal(await UserRegion.count({ where: { userId: p.userId } }), 0);
    assert.equal(await StepAnswer.count({ where: { attemptId: p.attempt } }), 0, 'their answers are gone');
    assert.ok(await ModuleAttempt.findByPk(p.attempt), 'the attempt stays for course statistics');
    assert.equal(
      (await GradeOutbox.findByPk(p.grade.id))!.status,
      'superseded',
      'a grade for an erased platform id is never sent',
    );
    assert.ok(await Practice.findByPk(p.own));
    assert.ok(await PracticeComment.findByPk(p.comment.id));

    await t.request().get(`/board?lt=${p.developerLt}`).set('Accept', 'application/json').expect(401);

    const viewer = p.traineeLt;
    for (const [path, shown] of [
      [`/board/practices/${p.own}`, 'Eliaksen malli A'],
      [`/board/practices/${p.others}`, 'Eliaksen kommentti A'],
    ]) {
      const page = await html(path, viewer);
      assert.ok(page.text.includes(shown), path);
      assert.ok(page.text.includes('Poistettu käyttäjä'), `${path} shows "deleted user"`);
      assert.ok(!/Elias|Korhonen/.test(page.text), `${path} shows no name`);
    }
    await html('/board', viewer);
    const english = await openBoard(t, placeBoard(t, { region: 'pirkanmaa' }), 'trainee', { locale: 'en' });
    assert.ok((await html(`/board/practices/${p.own}`, english)).text.includes('Deleted user'));

    const teacher = await launchSession(t, { persona: 'teacher', courseId: '2', resourceLinkId: p.moduleLinkId });
    const progress = await html('/modules/progress', teacher.lt);
    assert.ok(progress.text.includes('Poistettu käyttäjä'), 'the teacher sees the attempt of a deleted user');
    assert.ok(!progress.text.includes('erased:'), 'and never the replacement id');

    const after = await exportUser({ sequelize: t.silta.sequelize, user: { userId: p.userId } });
    const text = JSON.stringify(after);
    for (const gone of ['Elias', 'Korhonen', 'elias.korhonen', REFLECTION.slice(0, 30)])
      assert.ok(!text.includes(gone), gone);

    const relaunch = await launchSession(t, { persona: 'developer', courseId: '2', resourceLinkId: p.moduleLinkId });
    const fresh = (await LaunchSession.findByPk(relaunch.lt))!;
    assert.notEqual(fresh.userId, p.userId, 'launching again makes a new user, unrelated to the erased one');
    assert.equal((await User.findByPk(p.userId))!.name, null);
  });

  it('erasure with `remove` deletes their practices, comments (with replies), marks and adoptions, and corrects the counts', async () => {
    const traineeLt = p.traineeLt;
    const target = await createPractice(t, traineeLt, { title: 'Ainon toinen malli', region: 'pirkanmaa' });
    const counts = async () => {
      const row = (await Practice.findByPk(target))!;
      return [row.commentCount, row.usefulCount, row.adoptionCount];
    };
    const post = (lt: string, path: string, fields: Record<string, string> = {}) =>
      t.request().post(path).type('form').send(form(lt, fields)).expect(303);
    await post(traineeLt, `/board/practices/${target}/comments`, { body: 'Ainon oma kommentti' });
    const start = await counts();

    const lt = await openBoard(t, placeBoard(t, { region: 'kainuu' }), 'developer');
    const userId = (await LaunchSession.findByPk(lt))!.userId;
    const own = await createPractice(t, lt, { title: 'Poistuva malli', region: 'kainuu' });
    await post(traineeLt, `/board/practices/${own}/comments`, { body: 'Kommentti poistuvaan' });
    await post(traineeLt, `/board/practices/${own}/useful`);
    await post(lt, `/board/practices/${target}/comments`, { body: 'Poistuva kommentti' });
    const comment = (await PracticeComment.findOne({ where: { practiceId: target, authorId: userId } }))!;
    await post(traineeLt, `/board/practices/${target}/comments`, {
      body: 'Vastaus poistuvaan',
      parent: String(comment.id),
    });
    await post(lt, `/board/practices/${target}/useful`);
    await post(lt, `/board/practices/${target}/adopt`, { note: 'Kainuu aloittaa' });
    assert.deepEqual(await counts(), [start[0] + 2, start[1] + 1, start[2] + 1]);

    assert.deepEqual(await eraseUser({ sequelize: t.silta.sequelize, user: { userId }, remove: true }), {
      userId,
      removed: true,
      alreadyErased: false,
    });
    assert.equal(await Practice.findByPk(own), null);
    assert.equal(await PracticeComment.count({ where: { practiceId: own } }), 0);
    assert.equal(await PracticeReaction.count({ where: { practiceId: own } }), 0);
    assert.equal(await PracticeComment.count({ where: { authorId: userId } }), 0);
    assert.equal(
      await PracticeComment.count({ where: { parentId: comment.id } }),
      0,
      'the reply went with the comment',
    );
    assert.equal(await PracticeReaction.count({ where: { userId } }), 0);
    assert.equal(await PracticeAdoption.count({ where: { userId } }), 0);
    assert.deepEqual(await counts(), start, 'the other practice counts what is left');
    const page = await html(`/board/practices/${target}`, traineeLt);
    assert.ok(page.text.includes('Ainon oma kommentti') && !page.text.includes('Poistuva kommentti'));
    await t.request().get(`/board/practices/${own}?lt=${traineeLt}`).expect(404);
  });

  it('a person erased by another process (CLI, another instance) who launches here gets a new user at once, not the erased row', async () => {
    const first = await launchSession(t, { persona: 'trainee' });
    const userId = (await LaunchSession.findByPk(first.lt))!.userId;
    // What the other process wrote; this process still has the person cached from the launch.
    await User.update(
      {
        sub: 'erased:00000000-0000-4000-8000-000000000000',
        name: null,
        givenName: null,
        familyName: null,
        email: null,
      },
      { where: { id: userId } },
    );
    const again = await launchSession(t, { persona: 'trainee' });
    await t.request().get(again.location).expect(200);
    const fresh = (await LaunchSession.findByPk(again.lt))!.userId;
    assert.notEqual(fresh, userId);
    assert.equal((await User.findByPk(fresh))!.givenName, 'Aino');
    assert.equal((await User.findByPk(userId))!.givenName, null, 'the erased row stays erased');
  });
});
