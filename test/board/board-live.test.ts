import assert from 'node:assert/strict';
import type { InferCreationAttributes } from 'sequelize';
import type { CommentShown } from '../../server/domain/board/board-live.presenter';
import { loadLaunch } from '../../server/domain/launches/launch.service';
import { renderMarkdown } from '../../server/domain/modules/markdown';
import { regionName } from '../../server/domain/regions/region.service';
import { translator, type Language } from '../../server/i18n';
import { formatCount } from '../../server/i18n/format';
import type { Ack } from '../../server/sockets/events';
import { LaunchSession, Practice, PracticeComment, Region, User } from '../../server/store/models';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { client, connected, type ClientSocket } from '../sockets/socket-client';
import { createPractice, form, openBoard, placeBoard, practiceForm } from './board-fixtures';

type Received = { name: string; payload: Record<string, unknown> };

/** A socket of a board page: connected with a token fetched as the page does, recording every board event. */
type Viewer = { socket: ClientSocket; lt: string; events: Received[]; contextId: number };

const BOARD_EVENTS = ['practice:', 'comment:', 'adoption:'];

/** A card's counts line, each count with its own plural (board.presenter). */
const counts = (lang: 'fi' | 'sv', useful: number, adopted: number, comments: number) =>
  translator(lang)('board.counts', {
    useful,
    adopted: formatCount(lang, 'board.adopted_by', adopted),
    comments: formatCount(lang, 'board.comment_count', comments),
  });

describe('the live board over Socket.IO', () => {
  let t: TestSilta;
  let karelia: string;
  let pirkanmaa: string;
  let pilot: string;
  const open: ClientSocket[] = [];
  let barriers = 0;

  before(async () => {
    t = await testSilta();
    karelia = placeBoard(t, { region: 'pohjois-karjala' });
    pirkanmaa = placeBoard(t, { region: 'pirkanmaa' });
    pilot = placeBoard(t, { region: 'kainuu', board: 'live-pilot' });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });

  async function viewerOf(lt: string): Promise<Viewer> {
    const { token } = (await t.request().get(`/realtime/token?lt=${lt}`).expect(200)).body as { token: string };
    const socket = client(t.baseUrl, { token });
    open.push(socket);
    const events: Received[] = [];
    socket.onAny((name: string, payload: Record<string, unknown>) => {
      if (BOARD_EVENTS.some((prefix) => name.startsWith(prefix))) events.push({ name, payload });
    });
    await connected(socket);
    return { socket, lt, events, contextId: (await loadLaunch(t.silta.sequelize, lt)).context.id };
  }

  const subscribe = (viewer: Viewer, payload: unknown = {}) =>
    new Promise<Ack<{ board: string }>>((resolve) => viewer.socket.emit('board:subscribe', payload, resolve));

  async function subscribed(lt: string): Promise<Viewer> {
    const viewer = await viewerOf(lt);
    const ack = await subscribe(viewer);
    assert.ok('data' in ack, JSON.stringify(ack));
    return viewer;
  }

  /** The first recorded event named `name` that matches, waiting for it if it has not come yet. */
  async function received(
    viewer: Viewer,
    name: string,
    match: (payload: Record<string, unknown>) => boolean = () => true,
  ): Promise<Record<string, unknown>> {
    for (;;) {
      const found = viewer.events.find((e) => e.name === name && match(e.payload));
      if (found) return found.payload;
      await new Promise<void>((resolve) => viewer.socket.once(name as never, () => resolve()));
    }
  }

  /**
   * Resolves once everything the server sent this socket before now has arrived: a test broadcast
   * to the socket's own context room comes after it on the same connection. So "nothing arrived"
   * is shown without waiting for a time.
   */
  async function settled(viewer: Viewer): Promise<void> {
    const text = `barrier-${++barriers}`;
    const joined = await new Promise<Ack<{ room: string }>>((resolve) =>
      viewer.socket.emit('room:join', { room: `context:${viewer.contextId}` }, resolve),
    );
    assert.ok('data' in joined);
    const arrived = new Promise<void>((resolve) => {
      const listener = (payload: { text: string }) => {
        if (payload.text !== text) return;
        viewer.socket.off('test:broadcasted', listener);
        resolve();
      };
      viewer.socket.on('test:broadcasted', listener);
    });
    viewer.socket.emit('test:broadcast', { text }, () => undefined);
    await arrived;
  }

  const byId = (id: number) => (payload: Record<string, unknown>) =>
    (payload.practice as { id: number } | undefined)?.id === id || payload.practiceId === id;
  const about = (viewer: Viewer, id: number) => viewer.events.filter((e) => byId(id)(e.payload));

  async function expected(lang: Language, key: string, params: { region?: string; title?: string }) {
    const region = params.region ? regionName((await Region.findByPk(params.region))!, lang) : undefined;
    return translator(lang)(key, { ...params, region });
  }

  it('subscribes a socket to the board of its own launch only; anything else is refused and joins nothing', async () => {
    const lt = await openBoard(t, karelia, 'developer');
    const viewer = await viewerOf(lt);
    assert.deepEqual(await subscribe(viewer), { data: { board: 'default' } });
    assert.deepEqual(await subscribe(viewer, { board: 'default' }), { data: { board: 'default' } });

    const intruder = await viewerOf(await openBoard(t, pirkanmaa, 'trainee'));
    const refusals: [unknown, string][] = [
      [{ board: 'live-pilot' }, 'forbidden'],
      [{ board: 'Not a key!' }, 'validation_failed'],
      [{ room: 'board:x:default:fi' }, 'validation_failed'],
      ['default', 'validation_failed'],
    ];
    for (const [payload, code] of refusals) {
      const ack = await subscribe(intruder, payload);
      assert.ok('error' in ack && ack.error.code === code, `${JSON.stringify(payload)}: ${JSON.stringify(ack)}`);
      assert.ok(ack.error.message.length > 0);
    }
    const rooms = [...(t.silta.realtime!.io.sockets.sockets.get(intruder.socket.id!)?.rooms ?? [])];
    assert.deepEqual(
      rooms.filter((r) => r.startsWith('board:')),
      [],
      'the refused socket joined no board room',
    );

    const id = await createPractice(t, lt, { title: 'Vain tilaajille' });
    await received(viewer, 'practice:created', byId(id));
    await settled(intruder);
    assert.deepEqual(intruder.events, [], 'a socket that was refused hears nothing of the board');
  });

  it('shows two viewers of the board a new practice, comment, reply and adoption made over HTTP, each in their own language', async () => {
    const finnish = await subscribed(await openBoard(t, pirkanmaa, 'developer', { locale: 'fi' }));
    const swedish = await subscribed(await openBoard(t, karelia, 'trainee', { locale: 'sv' }));
    const author = await openBoard(t, karelia, 'teacher', { locale: 'en' });
    const title = `Live-käytäntö ${Date.now()}`;
    const id = await createPractice(t, author, { title, summary: 'Tiivistelmä <b>ei HTML:ää</b>', status: 'pilot' });

    for (const [viewer, lang] of [
      [finnish, 'fi'],
      [swedish, 'sv'],
    ] as const) {
      const created = (await received(viewer, 'practice:created', byId(id))) as {
        practice: Record<string, unknown>;
        announcement: string;
      };
      assert.deepEqual(Object.keys(created).sort(), ['announcement', 'practice']);
      assert.deepEqual(Object.keys(created.practice).sort(), ['counts', 'id', 'language', 'meta', 'summary', 'title']);
      assert.equal(created.practice.title, title);
      assert.equal(
        created.practice.summary,
        'Tiivistelmä <b>ei HTML:ää</b>',
        'text as typed: the browser sets it as text',
      );
      assert.ok(
        String(created.practice.meta).includes(translator(lang)('board.status.pilot')),
        `${lang} meta: ${created.practice.meta}`,
      );
      assert.equal(
        created.announcement,
        await expected(lang, 'board.live.practice_created', { region: 'pohjois-karjala', title }),
      );
    }

    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Hyvä **malli**' }))
      .expect(303);
    const comment = (await PracticeComment.findOne({ where: { practiceId: id } }))!;
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Vastaus', parent: String(comment.id) }))
      .expect(303);
    for (const [viewer, lang] of [
      [finnish, 'fi'],
      [swedish, 'sv'],
    ] as const) {
      const top = (await received(
        viewer,
        'comment:created',
        (p) => (p.comment as { id: number }).id === comment.id,
      )) as { practiceId: number; counts: string; comment: Record<string, unknown>; announcement: string };
      assert.equal(top.practiceId, id);
      assert.deepEqual(
        Object.keys(top.comment).sort(),
        ['author', 'date', 'html', 'id', 'label', 'parentId'],
        'the body leaves rendered only, not also as typed',
      );
      assert.equal(top.comment.html, '<p>Hyvä <strong>malli</strong></p>\n');
      assert.equal(top.comment.parentId, null);
      assert.equal(top.comment.author, 'Maria Lindqvist');
      assert.equal(top.announcement, await expected(lang, 'board.live.comment_created', { title }));
      const reply = (await received(
        viewer,
        'comment:created',
        (p) => (p.comment as { parentId: number | null }).parentId === comment.id,
      )) as { counts: string; comment: Record<string, unknown>; announcement: string };
      assert.equal(reply.comment.html, '<p>Vastaus</p>\n');
      assert.equal(reply.announcement, await expected(lang, 'board.live.reply_created', { title }));
      assert.equal(reply.counts, counts(lang, 0, 0, 2));
    }

    const adopter = await openBoard(t, pirkanmaa, 'developer');
    await t
      .request()
      .post(`/board/practices/${id}/adopt`)
      .type('form')
      .send(form(adopter, { note: 'Kokeilemme syksyllä' }))
      .expect(303);
    for (const [viewer, lang] of [
      [finnish, 'fi'],
      [swedish, 'sv'],
    ] as const) {
      const adoption = (await received(viewer, 'adoption:created', byId(id))) as {
        counts: string;
        adoption: Record<string, unknown>;
        announcement: string;
      };
      assert.equal(adoption.adoption.regionCode, 'pirkanmaa');
      assert.equal(adoption.adoption.note, 'Kokeilemme syksyllä');
      assert.equal(adoption.counts, counts(lang, 0, 1, 2));
      assert.equal(
        adoption.announcement,
        await expected(lang, 'board.live.adoption_created', { region: 'pirkanmaa', title }),
      );
    }
  });

  it("sends a comment's body as exactly the sanitised HTML the practice page shows, hostile markup included", async () => {
    const viewerLt = await openBoard(t, pirkanmaa, 'developer', { locale: 'sv' });
    const viewer = await subscribed(viewerLt);
    const author = await openBoard(t, karelia, 'trainee');
    const id = await createPractice(t, author, { title: 'Markdown livenä' });
    const bodies = {
      // The code block shows that the page does not indent the comment's lines (the partial is called indented).
      markdown: '**tärkeää** ja [ohje](https://example.fi/ohje)\n\n- yksi\n- kaksi\n\n```\nrivi 1\n  rivi 2\n```',
      hostile:
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[klikkaa](javascript:alert(3)) <a href="javascript:alert(4)">raaka</a> <b onclick="alert(5)">lihava</b> <iframe src="https://evil.example"></iframe>',
    };
    const live = new Map<string, CommentShown['comment']>();
    for (const [name, body] of Object.entries(bodies)) {
      await t.request().post(`/board/practices/${id}/comments`).type('form').send(form(author, { body })).expect(303);
      const stored = (await PracticeComment.findOne({ where: { practiceId: id, body } }))!;
      const shown = (await received(
        viewer,
        'comment:created',
        (p) => (p.comment as { id: number }).id === stored.id,
      )) as CommentShown;
      live.set(name, shown.comment);
    }

    // What the reader sees after a reload: the practice page over HTTP, in the same language.
    const page = (await t.request().get(`/board/practices/${id}?lt=${viewerLt}`).expect(200)).text;
    const unescape = (text: string) =>
      text
        .replace(/&#x27;/g, "'")
        .replace(/&#x60;/g, '`')
        .replace(/&#x3D;/g, '=')
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    for (const [name, comment] of live) {
      const match = new RegExp(
        `<article id="comment-${comment.id}" class="card" aria-label="([^"]*)">\\s*<p class="muted small">([^<]*)</p>\\s*<div class="prose">([\\s\\S]*?)</div>`,
      ).exec(page);
      assert.ok(match, `${name}: the comment is on the page`);
      assert.equal(
        comment.html,
        renderMarkdown(bodies[name as keyof typeof bodies]),
        `${name}: rendered by the page's renderer`,
      );
      assert.equal(comment.html, match[3], `${name}: the same HTML as the page`);
      assert.equal(comment.label, unescape(match[1]), `${name}: the same label as the page`);
      assert.equal(`${comment.author}, ${comment.date}`, unescape(match[2]), `${name}: the same byline as the page`);
    }

    const markdown = live.get('markdown')!.html;
    assert.match(
      markdown,
      /<p><strong>tärkeää<\/strong> ja <a href="https:\/\/example\.fi\/ohje" target="_blank" rel="noopener noreferrer">ohje<\/a><\/p>/,
    );
    assert.match(markdown, /<ul>\s*<li>yksi<\/li>\s*<li>kaksi<\/li>\s*<\/ul>/);

    const hostile = live.get('hostile')!.html;
    // Real tags start with "<"; the raw HTML typed in the comment is escaped text (&lt;...).
    const tags = [...hostile.matchAll(/<\/?([a-z][a-z0-9]*)([^>]*)>/gi)];
    assert.deepEqual([...new Set(tags.map((m) => m[1].toLowerCase()))].sort(), ['a', 'p'], hostile);
    for (const [tag, , attributes] of tags) {
      assert.doesNotMatch(attributes, /\son[a-z]+\s*=/i, `no event handler: ${tag}`);
      assert.doesNotMatch(attributes, /javascript:/i, `no script URL: ${tag}`);
    }
    assert.doesNotMatch(hostile, /<(script|img|iframe|b)\b/i);
    assert.ok(
      hostile.includes('&lt;script&gt;alert(1)&lt;/script&gt;'),
      `raw HTML shows as text, as on the page: ${hostile}`,
    );
  });

  it("keeps other boards and other platforms' boards out, both ways", async () => {
    const viewerLt = await openBoard(t, karelia, 'developer');
    const viewer = await subscribed(viewerLt);
    const pilotLt = await openBoard(t, pilot, 'trainee');
    const pilotViewer = await subscribed(pilotLt);
    // Another platform's launch: the same course, but the user comes from another issuer.
    const foreignLt = await openBoard(t, karelia, 'admin');
    const session = (await LaunchSession.findByPk(foreignLt))!;
    const person = (await User.findByPk(session.userId))!.get({ plain: true }) as InferCreationAttributes<User>;
    delete person.id;
    const foreignUser = await User.create({
      ...person,
      issuer: 'https://other-moodle.example',
      sub: `live-${Date.now()}`,
    });
    await session.update({ userId: foreignUser.id });
    const foreignViewer = await subscribed(foreignLt);
    assert.equal((await loadLaunch(t.silta.sequelize, foreignLt)).platform.issuer, 'https://other-moodle.example');

    const onDefault = await createPractice(t, viewerLt, { title: 'Oletustaululle' });
    const onPilot = await createPractice(t, pilotLt, { title: 'Pilottitaululle', region: 'kainuu' });
    const onForeign = await createPractice(t, foreignLt, { title: 'Toiselle alustalle' });
    assert.equal((await Practice.findByPk(onForeign))!.issuer, 'https://other-moodle.example');
    await received(viewer, 'practice:created', byId(onDefault));
    await received(pilotViewer, 'practice:created', byId(onPilot));
    await received(foreignViewer, 'practice:created', byId(onForeign));
    await Promise.all([settled(viewer), settled(pilotViewer), settled(foreignViewer)]);
    assert.deepEqual([...about(viewer, onPilot), ...about(viewer, onForeign)], []);
    assert.deepEqual([...about(pilotViewer, onDefault), ...about(pilotViewer, onForeign)], []);
    assert.deepEqual([...about(foreignViewer, onDefault), ...about(foreignViewer, onPilot)], []);
  });

  it('never broadcasts hidden content; hiding and deleting remove content live, restoring brings it back', async () => {
    const viewer = await subscribed(await openBoard(t, pirkanmaa, 'developer'));
    const author = await openBoard(t, karelia, 'trainee');
    const teacher = await openBoard(t, karelia, 'teacher');
    const id = await createPractice(t, author, { title: 'Moderoitava live' });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Piilotettava kommentti' }))
      .expect(303);
    const comment = (await PracticeComment.findOne({ where: { practiceId: id } }))!;
    await received(viewer, 'comment:created', byId(id));

    await t
      .request()
      .post(`/board/practices/${id}/comments/${comment.id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'hide', reason: 'Asiaton' }))
      .expect(303);
    const hidden = await received(viewer, 'comment:hidden', byId(id));
    assert.deepEqual(
      Object.keys(hidden).sort(),
      ['announcement', 'commentId', 'counts', 'practiceId'],
      'no text and no reason leave with a hide',
    );
    assert.equal(hidden.commentId, comment.id);
    await t
      .request()
      .post(`/board/practices/${id}/comments/${comment.id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'restore', reason: 'Tarkistettu' }))
      .expect(303);
    const restored = (await received(viewer, 'comment:restored', byId(id))) as { comment: { html: string } };
    assert.equal(restored.comment.html, '<p>Piilotettava kommentti</p>\n');

    await t
      .request()
      .post(`/board/practices/${id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'hide', reason: 'Tarkistetaan' }))
      .expect(303);
    const gone = await received(viewer, 'practice:hidden', byId(id));
    assert.deepEqual(gone, { practiceId: id, announcement: translator('fi')('board.live.practice_hidden') });
    // A hidden practice takes no comments or adoptions, and nothing is broadcast or stored.
    const refused = await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .set('Accept', 'application/json')
      .send(form(author, { body: 'Salainen jatko' }))
      .expect(409);
    assert.equal(refused.body.error.code, 'practice_hidden');
    assert.equal(await PracticeComment.count({ where: { practiceId: id } }), 1);
    await settled(viewer);
    assert.deepEqual(
      about(viewer, id).map((e) => e.name),
      ['practice:created', 'comment:created', 'comment:hidden', 'comment:restored', 'practice:hidden'],
    );
    assert.ok(!JSON.stringify(viewer.events).includes('Salainen jatko'));

    await t
      .request()
      .post(`/board/practices/${id}/moderate`)
      .type('form')
      .send(form(teacher, { action: 'restore', reason: 'Kunnossa' }))
      .expect(303);
    const back = (await received(viewer, 'practice:restored', byId(id))) as { practice: { title: string } };
    assert.equal(back.practice.title, 'Moderoitava live');

    await t
      .request()
      .post(`/board/practices/${id}/comments/${comment.id}/delete`)
      .type('form')
      .send(form(author))
      .expect(303);
    assert.equal((await received(viewer, 'comment:deleted', byId(id))).commentId, comment.id);
    await t.request().post(`/board/practices/${id}/delete`).type('form').send(form(author)).expect(303);
    assert.deepEqual(await received(viewer, 'practice:deleted', byId(id)), {
      practiceId: id,
      announcement: translator('fi')('board.live.practice_deleted'),
    });
  });

  it('keeps a draft out until its author publishes it, then shows it live', async () => {
    const viewer = await subscribed(await openBoard(t, pirkanmaa, 'developer'));
    const author = await openBoard(t, karelia, 'trainee');
    const id = await createPractice(t, author, { title: 'Luonnos live', status: 'draft' });
    await t
      .request()
      .post(`/board/practices/${id}/comments`)
      .type('form')
      .send(form(author, { body: 'Oma muistiinpano' }))
      .expect(303);
    await settled(viewer);
    assert.deepEqual(about(viewer, id), [], 'nothing of a draft goes out');
    await t
      .request()
      .post(`/board/practices/${id}`)
      .type('form')
      .send(practiceForm(author, { title: 'Luonnos live', status: 'pilot' }))
      .expect(303);
    const published = (await received(viewer, 'practice:created', byId(id))) as { practice: { title: string } };
    assert.equal(published.practice.title, 'Luonnos live');
  });

  it('refuses a subscription from a socket whose launch session has ended', async () => {
    const lt = await openBoard(t, karelia, 'developer');
    const viewer = await viewerOf(lt);
    await LaunchSession.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: lt } });
    const ack = await subscribe(viewer);
    assert.ok('error' in ack && ack.error.code === 'session_expired', JSON.stringify(ack));
    const rooms = [...(t.silta.realtime!.io.sockets.sockets.get(viewer.socket.id!)?.rooms ?? [])];
    assert.deepEqual(
      rooms.filter((r) => r.startsWith('board:')),
      [],
    );
  });
});
