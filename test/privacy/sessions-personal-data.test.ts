import assert from 'node:assert/strict';
import { eraseUser, exportUser } from '../../server/domain/privacy/privacy.service';
import { scrubJson } from '../../server/domain/privacy/sessions.personal-data';
import { loadState } from '../../server/domain/sessions/session.service';
import { loadSessionTemplates } from '../../server/domain/sessions/session-template';
import { Context, User } from '../../server/store/models';
import {
  LiveSession,
  SessionEventRow,
  SessionNote,
  SessionParticipant,
  SessionVote,
} from '../../server/store/session-models';
import { testSilta, type TestSilta } from '../helpers/test-app';

describe('personal data in live sessions', () => {
  let t: TestSilta;
  let seq = 0;
  before(async () => {
    t = await testSilta();
  });

  /** A person who ran a session, wrote a note, voted and is named in the session log, beside another person. */
  async function sessionWithPerson() {
    seq += 1;
    const make = (sub: string, given: string, family: string) =>
      User.create({
        issuer: t.devPlatform.issuer,
        sub: `${sub}-${Date.now()}-${seq}`,
        name: `${given} ${family}`,
        givenName: given,
        familyName: family,
        email: `${given.toLowerCase()}.${seq}@example.fi`,
      });
    const person = await make('session-person', 'Veera', 'Salonen');
    const other = await make('session-other', 'Jussi', 'Laine');
    const [context] = await Context.findOrCreate({
      where: { issuer: t.devPlatform.issuer, ltiContextId: 'privacy-sessions' },
      defaults: {
        issuer: t.devPlatform.issuer,
        ltiContextId: 'privacy-sessions',
        clientId: t.devPlatform.clientId,
        deploymentId: '1',
        title: null,
        label: null,
        nrpsUrl: null,
      },
    });
    const session = await LiveSession.create({
      contextId: context.id,
      resourceLinkId: null,
      title: 'Palveluketjuverstas',
      language: 'fi',
      templateKey: 'service-chain',
      template: '{}',
      anonymous: false,
      completionReporting: false,
      voteBudget: 3,
      lockedPhases: '[]',
      phase: null,
      authorSalt: 'salt',
      createdBy: person.id,
    });
    const base = { sessionId: session.id, lane: 'kela', columnKey: 'start', phase: null, colour: 'yellow' };
    const note = await SessionNote.create({
      ...base,
      clientId: `n-${seq}-1`,
      authorId: person.id,
      text: 'Veeran oma havainto siirtymästä',
    });
    const othersNote = await SessionNote.create({
      ...base,
      clientId: `n-${seq}-2`,
      authorId: other.id,
      text: 'Jussin havainto',
    });
    await SessionVote.create({ sessionId: session.id, noteId: othersNote.id, voterId: person.id, count: 1 });
    await SessionParticipant.create({
      sessionId: session.id,
      userId: person.id,
      regionCode: 'pirkanmaa',
      lastSeenAt: new Date(),
    });
    const payload = (n: SessionNote, name: string) =>
      JSON.stringify({ note: { id: n.clientId, text: n.text, author: { handle: 'h1', name } } });
    const own = await SessionEventRow.create({
      sessionId: session.id,
      seq: 1,
      type: 'note:added',
      payload: payload(note, 'Veera Salonen'),
      clientId: `e-${seq}-1`,
      actorId: person.id,
    });
    // A facilitator's action that carries the person's note and name too.
    const moved = await SessionEventRow.create({
      sessionId: session.id,
      seq: 2,
      type: 'note:moved',
      payload: payload(note, 'Veera Salonen'),
      clientId: `e-${seq}-2`,
      actorId: other.id,
    });
    const others = await SessionEventRow.create({
      sessionId: session.id,
      seq: 3,
      type: 'note:added',
      payload: payload(othersNote, 'Jussi Laine'),
      clientId: `e-${seq}-3`,
      actorId: other.id,
    });
    return { person, other, session, note, othersNote, events: [own, moved, others] };
  }
  const payloadOf = async (row: SessionEventRow) => (await SessionEventRow.findByPk(row.id))!.payload;

  it('exports the sessions run, notes, votes, participation and actions', async () => {
    const s = await sessionWithPerson();
    const exported = (await exportUser({ sequelize: t.silta.sequelize, user: { userId: s.person.id } })).data
      .sessions as Record<string, { id: number; text?: string }[]>;
    assert.deepEqual(
      exported.sessionsRun.map((x) => x.id),
      [s.session.id],
    );
    assert.deepEqual(
      exported.notes.map((x) => x.text),
      ['Veeran oma havainto siirtymästä'],
    );
    assert.equal(exported.votes.length, 1);
    assert.equal(exported.participation.length, 1);
    assert.deepEqual(
      exported.actions.map((x) => x.id),
      [s.events[0].id],
    );
  });

  it('erasure keeps the notes and takes the name out of every logged event; others are untouched', async () => {
    const s = await sessionWithPerson();
    await eraseUser({ sequelize: t.silta.sequelize, user: { userId: s.person.id } });
    assert.equal((await SessionNote.findByPk(s.note.id))!.text, 'Veeran oma havainto siirtymästä');
    for (const event of s.events.slice(0, 2)) {
      const payload = await payloadOf(event);
      assert.equal((JSON.parse(payload) as { note: { author: { name: unknown } } }).note.author.name, null, payload);
      assert.ok(!payload.includes('Salonen'), payload);
      assert.ok(payload.includes('Veeran oma havainto'), 'the note itself stays');
    }
    assert.equal(await payloadOf(s.events[2]), s.events[2].payload, "another person's event is as it was");
    assert.equal(
      await SessionParticipant.count({ where: { userId: s.person.id } }),
      1,
      'participation is kept for the statistics',
    );
  });

  it('after erasure the session shows their notes as "deleted user" in the viewer\'s language, others by name', async () => {
    const s = await sessionWithPerson();
    await s.session.update({ template: JSON.stringify(loadSessionTemplates().get('service-chain')) });
    const authors = async (language: 'fi' | 'sv' | 'en') => {
      const state = await loadState(s.session, { userId: s.other.id, facilitator: false, language }, []);
      return Object.fromEntries(state.notes.map((n) => [n.text, n.author.name]));
    };
    assert.deepEqual(await authors('sv'), {
      'Veeran oma havainto siirtymästä': 'Veera Salonen',
      'Jussin havainto': 'Jussi Laine',
    });
    await eraseUser({ sequelize: t.silta.sequelize, user: { userId: s.person.id } });
    assert.deepEqual(await authors('sv'), {
      'Veeran oma havainto siirtymästä': 'Raderad användare',
      'Jussin havainto': 'Jussi Laine',
    });
    assert.equal((await authors('fi'))['Veeran oma havainto siirtymästä'], 'Poistettu käyttäjä');
  });

  it('erasure with `remove` deletes their notes and their text from the log', async () => {
    const s = await sessionWithPerson();
    await eraseUser({ sequelize: t.silta.sequelize, user: { userId: s.person.id }, remove: true });
    const note = (await SessionNote.findByPk(s.note.id))!;
    assert.equal(note.text, '');
    assert.ok(note.deletedAt);
    for (const event of s.events.slice(0, 2)) assert.ok(!(await payloadOf(event)).includes('Veeran oma havainto'));
    assert.equal((await SessionNote.findByPk(s.othersNote.id))!.text, 'Jussin havainto');
    assert.equal(await payloadOf(s.events[2]), s.events[2].payload);
  });

  it('scrubJson replaces whole values only, at any depth', () => {
    const values = new Map<string, string | null>([['Veera Salonen', null]]);
    assert.deepEqual(
      scrubJson({ a: ['Veera Salonen', { b: 'Veera Salonen', c: 'Veera Salonen ja muut' }], n: 3 }, values),
      { a: [null, { b: null, c: 'Veera Salonen ja muut' }], n: 3 },
    );
  });
});
