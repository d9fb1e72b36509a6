import assert from 'node:assert/strict';
import { errorSummaryOf, fieldMessageOf, fieldValueOf } from '../forms/form-page';
import { Writable } from 'node:stream';
import type supertest from 'supertest';
import { eraseFromConsole } from '../../server/domain/people/people.service';
import { isErasedSub } from '../../server/domain/privacy/personal-data';
import { createLogger } from '../../server/logger';
import { LaunchSession, Practice, PracticeComment, User } from '../../server/store/models';
import { createPractice, form, openBoard, placeBoard } from '../board/board-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { adminAgent, csrfOf } from './admin-fixtures';

type Seeded = { userId: number; practiceId: number; commentId: number; otherPracticeId: number };

describe('admin personal data', () => {
  let t: TestSilta;
  let admin: supertest.Agent;
  let board: string;

  /** The trainee shares a practice and comments on the developer's; returns their ids. */
  async function seed(): Promise<Seeded> {
    const trainee = await openBoard(t, board, 'trainee', { region: 'pirkanmaa' });
    const developer = await openBoard(t, board, 'developer', { region: 'pohjois-karjala' });
    const practiceId = await createPractice(t, trainee, { title: 'Pirkanmaan koordinaattori', region: 'pirkanmaa' });
    const otherPracticeId = await createPractice(t, developer, { title: 'Karjalan malli', region: 'pohjois-karjala' });
    await t
      .request()
      .post(`/board/practices/${otherPracticeId}/comments`)
      .type('form')
      .send(form(trainee, { body: 'Kiinnostava malli.' }))
      .expect(303);
    const userId = (await LaunchSession.findByPk(trainee))!.userId;
    const commentId = (await PracticeComment.findOne({ where: { practiceId: otherPracticeId, authorId: userId } }))!.id;
    return { userId, practiceId, commentId, otherPracticeId };
  }

  before(async () => {
    t = await testSilta();
    admin = await adminAgent(t);
    board = placeBoard(t);
  });

  it('needs an admin session: pages go to the login, forms are refused', async () => {
    const { userId } = await seed();
    assert.equal((await t.request().get('/admin/people').expect(303)).headers.location, '/admin/login');
    assert.equal((await t.request().get(`/admin/people/${userId}`).expect(303)).headers.location, '/admin/login');
    await t.request().post(`/admin/people/${userId}/export`).type('form').send({}).expect(403);
    await t.request().post(`/admin/people/${userId}/erase`).type('form').send({ confirm: 'yes' }).expect(403);
    assert.ok(!isErasedSub((await User.findByPk(userId))!.sub));
  });

  it('finds a person by issuer and sub, or by a part of the name or email, case-insensitively', async () => {
    const { userId } = await seed();
    const issuer = encodeURIComponent(t.devPlatform.issuer);
    const exact = await admin.get(`/admin/people?issuer=${issuer}&sub=101&lang=en`).expect(200);
    assert.match(exact.text, new RegExp(`<a href="/admin/people/${userId}">Person ${userId}</a>`));
    assert.ok(exact.text.includes('Aino Virtanen'));
    const byName = await admin.get('/admin/people?q=VIRTA&lang=en').expect(200);
    assert.match(byName.text, new RegExp(`href="/admin/people/${userId}"`));
    assert.ok(!byName.text.includes('Elias Korhonen'), 'only the matching person');
    const byEmail = await admin.get('/admin/people?q=aino.virtanen%40example&lang=en').expect(200);
    assert.match(byEmail.text, new RegExp(`href="/admin/people/${userId}"`));
    const none = await admin.get('/admin/people?q=zz%25zz&lang=en').expect(200);
    assert.match(none.text, /No one was found/);
  });

  it('refuses a bad search with the fields named', async () => {
    const short = await admin.get('/admin/people?q=a&lang=en').expect(400);
    // The error summary links to the field, which says what is wrong and keeps what was typed.
    assert.deepEqual(errorSummaryOf(short.text), [
      { href: '#q', text: 'Part of a name or email address must be at least 2 characters.' },
    ]);
    assert.equal(fieldValueOf(short.text, 'q'), 'a');
    const half = await admin
      .get(`/admin/people?issuer=${encodeURIComponent(t.devPlatform.issuer)}&lang=en`)
      .expect(400);
    assert.deepEqual(
      errorSummaryOf(half.text).map((l) => l.href),
      ['#sub'],
    );
    assert.ok(fieldMessageOf(half.text, 'sub'));
    await admin.get('/admin/people?issuer=not-a-url&sub=1&lang=en').expect(400);
    await admin.get('/admin/people/abc').expect(400);
    await admin.get('/admin/people/999999999?lang=en').expect(404);
  });

  it('shows what Silta holds per kind, and the retention setting', async () => {
    const { userId } = await seed();
    const page = await admin.get(`/admin/people/${userId}?lang=en`).expect(200);
    const count = (kind: string) =>
      Number(new RegExp(`data-kind="${kind.replace('.', '\\.')}">(\\d+)<`).exec(page.text)?.[1]);
    assert.equal(count('board.practices'), await Practice.count({ where: { authorId: userId } }));
    assert.equal(count('board.comments'), await PracticeComment.count({ where: { authorId: userId } }));
    assert.ok(count('board.practices') >= 1 && count('account.memberships') >= 1);
    assert.match(page.text, /<th scope="row">Practices shared<\/th>/);
    const kinds = [...page.text.matchAll(/<th scope="row">([^<]*)<\/th><td class="number" data-kind="([^"]+)"/g)];
    assert.ok(kinds.length >= 8, 'the holdings table lists every kind');
    const unlabelled = kinds.filter((m) => m[1] === m[2]).map((m) => m[2]);
    assert.deepEqual(unlabelled, [], 'every kind has a label in admin-reports.json (admin.people.kinds)');
    const search = await admin.get('/admin/people?lang=en').expect(200);
    assert.match(search.text, /Automatic erasure is off \(RETENTION_MONTHS is 0\)/);
  });

  it('exports the person’s data as JSON, with CSRF, and nothing of another person', async () => {
    const { userId, practiceId, otherPracticeId } = await seed();
    await admin.post(`/admin/people/${userId}/export`).type('form').send({}).expect(403);
    await admin.post(`/admin/people/${userId}/export`).type('form').send({ _csrf: 'wrong' }).expect(403);
    const token = await csrfOf(admin, `/admin/people/${userId}`);
    const response = await admin
      .post(`/admin/people/${userId}/export`)
      .type('form')
      .send({ _csrf: token })
      .expect(200)
      .expect('content-type', /application\/json/);
    assert.match(
      response.headers['content-disposition'],
      new RegExp(`attachment; filename="silta-user-${userId}\\.json"`),
    );
    const exported = JSON.parse(response.text) as {
      userId: number;
      data: { account: { user: { sub: string } }; board: { practices: { id: number }[] } };
    };
    assert.equal(exported.userId, userId);
    assert.equal(exported.data.account.user.sub, '101');
    const practiceIds = exported.data.board.practices.map((p) => p.id);
    assert.ok(practiceIds.includes(practiceId));
    assert.ok(!practiceIds.includes(otherPracticeId), 'not the other person’s practice');
    assert.ok(!response.text.includes('Elias') && !response.text.includes('"102"'), 'nothing of the developer');
  });

  it('refuses an erasure without CSRF or without the confirmation, and erases nothing', async () => {
    const { userId, practiceId } = await seed();
    const before = (await User.findByPk(userId))!.toJSON();
    await admin.post(`/admin/people/${userId}/erase`).type('form').send({ confirm: 'yes', mode: 'remove' }).expect(403);
    await admin
      .post(`/admin/people/${userId}/erase`)
      .type('form')
      .send({ _csrf: 'forged', confirm: 'yes', mode: 'remove' })
      .expect(403);
    const token = await csrfOf(admin, `/admin/people/${userId}/erase`);
    const unconfirmed = await admin
      .post(`/admin/people/${userId}/erase?lang=en`)
      .type('form')
      .send({ _csrf: token, mode: 'remove' })
      .expect(400);
    assert.match(errorSummaryOf(unconfirmed.text)[0].text, /^Confirm the erasure by ticking the box/);
    assert.deepEqual(
      errorSummaryOf(unconfirmed.text).map((l) => l.href),
      ['#confirm'],
    );
    assert.match(fieldMessageOf(unconfirmed.text, 'confirm')!, /^Confirm the erasure by ticking the box/);
    assert.match(unconfirmed.text, /id="mode-remove" name="mode" value="remove" checked/, 'the choice is kept');
    const unknownMode = await admin
      .post(`/admin/people/${userId}/erase?lang=en`)
      .type('form')
      .send({ _csrf: token, mode: 'everything', confirm: 'yes' })
      .expect(400);
    assert.deepEqual(
      errorSummaryOf(unknownMode.text).map((l) => l.href),
      ['#mode-keep'],
      'a mode not offered is named at the choice',
    );
    assert.match(unknownMode.text, /<p class="error-message" id="mode-keep-error">/);
    assert.deepEqual((await User.findByPk(userId))!.toJSON(), before);
    assert.ok(await Practice.findByPk(practiceId));
  });

  it('erases a person and keeps their posts under "deleted user" by default', async () => {
    const { userId, practiceId, commentId } = await seed();
    const form = await admin.get(`/admin/people/${userId}/erase?lang=en`).expect(200);
    assert.match(form.text, /id="mode-keep" name="mode" value="keep" checked/);
    const token = await csrfOf(admin, `/admin/people/${userId}/erase`);
    const done = await admin
      .post(`/admin/people/${userId}/erase`)
      .type('form')
      .send({ _csrf: token, confirm: 'yes' })
      .expect(303);
    assert.equal(done.headers.location, `/admin/people/${userId}?done=erased`);
    const user = (await User.findByPk(userId))!;
    assert.ok(isErasedSub(user.sub));
    assert.deepEqual([user.name, user.email, user.givenName, user.familyName], [null, null, null, null]);
    assert.ok(await Practice.findByPk(practiceId), 'the practice is kept');
    assert.ok(await PracticeComment.findByPk(commentId), 'the comment is kept');
    const page = await admin.get(`${done.headers.location}&lang=en`).expect(200);
    assert.match(page.text, /role="status">The person was erased; their posts are kept/);
    assert.match(page.text, /Deleted user/);
  });

  it('erases a person and removes their posts when chosen', async () => {
    const { userId, practiceId, commentId, otherPracticeId } = await seed();
    const token = await csrfOf(admin, `/admin/people/${userId}/erase`);
    const done = await admin
      .post(`/admin/people/${userId}/erase`)
      .type('form')
      .send({ _csrf: token, mode: 'remove', confirm: 'yes' })
      .expect(303);
    assert.equal(done.headers.location, `/admin/people/${userId}?done=removed`);
    assert.equal(await Practice.findByPk(practiceId), null);
    assert.equal(await PracticeComment.findByPk(commentId), null);
    assert.ok(await Practice.findByPk(otherPracticeId), 'the other person’s practice stays');
    assert.ok(isErasedSub((await User.findByPk(userId))!.sub));
  });

  it('logs every erasure with the admin, the user id and no personal data', async () => {
    const { userId } = await seed();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    await eraseFromConsole({
      sequelize: t.silta.sequelize,
      logger: createLogger('info', sink),
      adminId: 42,
      userId,
      remove: false,
    });
    const entry = JSON.parse(lines.find((l) => l.includes('user_erased'))!) as Record<string, unknown>;
    assert.deepEqual([entry.adminId, entry.userId, entry.removed, typeof entry.time], [42, userId, false, 'number']);
    assert.ok(!/Aino|Virtanen|example\.fi|"101"/.test(lines.join('')), 'no name, email or platform id');
  });
});
