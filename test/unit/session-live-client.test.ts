import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { presentLivePage } from '../../server/domain/session-ui/live-page.presenter';
import { LANGUAGES, translator } from '../../server/i18n';
import { ROOT_DIR } from '../../server/paths';
import type { NoteView, SessionEvent, SessionState } from '../../server/sockets/session-events';
import { Announcer, describe as describeEvent, summarise } from '../../public/src/session/announcer';
import { clockOffset, crossedMark, remainingMs } from '../../public/src/session/clock';
import { applyEvent, noteRights, order } from '../../public/src/session/state';
import { format, plural } from '../../public/src/session/strings';

const note = (id: string, fields: Partial<NoteView> = {}): NoteView => ({
  id,
  lane: 'kela',
  column: 'assessment',
  phase: 'map',
  text: `note ${id}`,
  colour: 'yellow',
  clusterId: null,
  author: { handle: 'h-elias', name: 'Elias Korhonen' },
  ...fields,
});

/** A service-chain-like state as a participant (Elias) sees it. */
function stateOf(fields: { facilitator?: boolean; notes?: NoteView[] } = {}): SessionState {
  return {
    seq: 3,
    serverNow: '2026-11-23T10:00:00.000Z',
    session: {
      id: 7,
      title: 'Verstas',
      language: 'fi',
      templateKey: 'service-chain',
      anonymous: false,
      completionReporting: false,
      voteBudget: 3,
      votesRevealed: false,
      locked: false,
      lockedPhases: [],
      phase: 'map',
      timer: { status: 'idle' },
      closed: false,
    },
    template: {
      key: 'service-chain',
      title: 'Palveluketjun kartoitus',
      description: 'Kuvatkaa polku.',
      lanes: [
        { key: 'kela', label: 'Kela' },
        { key: 'ngos', label: 'Järjestöt' },
      ],
      columns: [
        { key: 'concern', label: 'Huoli herää' },
        { key: 'assessment', label: 'Työkyvyn arviointi' },
      ],
      phases: [
        { key: 'map', label: 'Kartoitus' },
        { key: 'gaps', label: 'Katkoskohdat' },
      ],
      editOthers: false,
    },
    notes: fields.notes ?? [note('a'), note('b', { author: { handle: 'h-aino', name: 'Aino Virtanen' } })],
    clusters: [{ id: 'c1', label: 'Yhteistyö' }],
    votes: { mine: { a: 2 }, used: 2, totals: fields.facilitator ? { a: 2, b: 1 } : null },
    participants: [],
    me: { handle: 'h-elias', presenceKey: 'p-elias', facilitator: fields.facilitator ?? false },
  };
}

const base = { sessionId: 7, clientId: 'x' };
/** A note:added event: the new note's id is the event's client id. */
const added = (seq: number, fields: Partial<NoteView> & { id: string }): SessionEvent => {
  const { id, ...view } = note(fields.id, fields);
  return { type: 'note:added', data: { sessionId: 7, clientId: id, seq, note: view } };
};
const strings = presentLivePage({ state: stateOf(), lt: 'lt', language: 'fi' }).clientStrings;

describe('live session client: state by sequence numbers', () => {
  it('applies the next seq, skips what it has, and calls a jump a gap', () => {
    assert.equal(order(3, 4), 'apply');
    assert.equal(order(3, 3), 'stale');
    assert.equal(order(3, 1), 'stale');
    assert.equal(order(3, 5), 'gap');
  });

  it('applies note events with absolute values, so a replayed event changes nothing more', () => {
    const state = stateOf();
    const addedC = added(4, { id: 'c', lane: 'ngos' });
    applyEvent(state, addedC);
    applyEvent(state, addedC);
    assert.equal(state.notes.filter((n) => n.id === 'c').length, 1);
    assert.equal(state.seq, 4);
    assert.deepEqual(state.notes[2], { ...note('c'), lane: 'ngos' }, 'the note, under the id the event carried');
    applyEvent(state, { type: 'note:moved', data: { ...base, seq: 5, noteId: 'c', lane: 'kela', column: 'concern' } });
    assert.deepEqual([state.notes[2].lane, state.notes[2].column], ['kela', 'concern']);
    applyEvent(state, { type: 'note:clustered', data: { ...base, seq: 6, noteId: 'c', clusterId: 'c1' } });
    applyEvent(state, { type: 'cluster:deleted', data: { ...base, seq: 7, clusterId: 'c1' } });
    assert.equal(state.notes[2].clusterId, null, 'a deleted cluster leaves its notes unclustered');
    assert.deepEqual(state.clusters, []);
  });

  it("gives a deleted note's votes back and keeps the vote budget count from own votes", () => {
    const state = stateOf();
    applyEvent(state, { type: 'vote:casted', data: { ...base, seq: 4, noteId: 'b', mine: 1 } });
    assert.equal(state.votes.used, 3);
    assert.equal(state.votes.totals, null, 'a participant learns no totals from own votes');
    applyEvent(state, { type: 'vote:casted', data: { ...base, seq: 5 } });
    assert.equal(state.votes.used, 3, "another's vote (seq only) changes nothing");
    applyEvent(state, { type: 'note:deleted', data: { ...base, seq: 6, noteId: 'a' } });
    assert.deepEqual([state.votes.used, state.votes.mine], [1, { b: 1 }]);
  });

  it('reveals totals to everyone and hides them again from participants only', () => {
    const participant = stateOf();
    const facilitator = stateOf({ facilitator: true });
    for (const state of [participant, facilitator]) {
      applyEvent(state, { type: 'votes:revealed', data: { ...base, seq: 4, totals: { a: 2, b: 1 } } });
      assert.deepEqual(state.votes.totals, { a: 2, b: 1 });
      applyEvent(state, { type: 'votes:hidden', data: { ...base, seq: 5 } });
    }
    assert.equal(participant.votes.totals, null);
    assert.deepEqual(facilitator.votes.totals, { a: 2, b: 1 });
  });

  it('lets participants change only their own notes, and nothing in a locked phase; the facilitator always', () => {
    const state = stateOf();
    const [own, other] = state.notes;
    assert.deepEqual(noteRights(state, own), { mayChange: true, frozen: false });
    assert.deepEqual(noteRights(state, other), { mayChange: false, frozen: false });
    applyEvent(state, { type: 'session:locked', data: { ...base, seq: 4, locked: false, lockedPhases: ['map'] } });
    assert.deepEqual(noteRights(state, own), { mayChange: true, frozen: true });
    const facilitator = stateOf({ facilitator: true });
    applyEvent(facilitator, { type: 'session:locked', data: { ...base, seq: 4, locked: true, lockedPhases: [] } });
    assert.deepEqual(noteRights(facilitator, other), { mayChange: true, frozen: false });
  });
});

describe('live session client: announcements', () => {
  it("says who added a note where, in the viewer's language", () => {
    const state = stateOf();
    const message = describeEvent(added(4, { id: 'c', lane: 'ngos', column: 'concern' }), state, strings);
    assert.deepEqual(message, { kind: 'note', text: 'Elias Korhonen lisäsi lapun kohtaan Järjestöt / Huoli herää' });
    const anonymous = describeEvent(added(4, { id: 'd', author: { handle: 'x', name: null } }), state, strings);
    assert.equal(anonymous?.text, 'Lappu lisättiin kohtaan Kela / Työkyvyn arviointi');
    assert.equal(
      describeEvent({ type: 'vote:casted', data: { ...base, seq: 5 } }, state, strings),
      null,
      "others' votes are not announced",
    );
  });

  it('turns a burst into counts, keeping key messages word for word', () => {
    const notes = Array.from({ length: 5 }, (_, i) => ({ kind: 'note' as const, text: `note ${i}` }));
    assert.equal(summarise(notes, strings, 'fi'), '5 uutta lappua');
    const mixed = [
      ...notes.slice(0, 2),
      { kind: 'key' as const, text: 'Äänet paljastettiin' },
      { kind: 'change' as const, text: 'a' },
      { kind: 'change' as const, text: 'b' },
    ];
    assert.equal(summarise(mixed, strings, 'fi'), 'Äänet paljastettiin. 2 uutta lappua. 2 muutosta taululla');
    assert.equal(summarise([notes[0]], strings, 'fi'), 'note 0');
  });

  it('says a burst once in the live region', () => {
    const region = { textContent: '' as string | null };
    const announcer = new Announcer(region, strings, 'fi', 60_000);
    announcer.push({ kind: 'note', text: 'one' });
    announcer.push(null);
    announcer.push({ kind: 'note', text: 'two' });
    assert.equal(region.textContent, '', 'nothing until the burst is over');
    announcer.flush();
    assert.equal(region.textContent, '2 uutta lappua');
  });
});

describe('live session client: the timer on the server clock', () => {
  it("counts down from the server's endsAt, corrected by the clock offset", () => {
    const offset = clockOffset('2026-11-23T10:00:00.000Z', Date.parse('2026-11-23T09:59:50.000Z'));
    assert.equal(offset, 10_000, 'this browser is 10 s behind');
    assert.equal(
      remainingMs(
        { status: 'running', endsAt: '2026-11-23T10:02:00.000Z' },
        offset,
        Date.parse('2026-11-23T09:59:50.000Z'),
      ),
      120_000,
    );
    assert.equal(remainingMs({ status: 'paused', remainingMs: 5000 }, offset), 5000);
    assert.equal(remainingMs({ status: 'idle' }, offset), null);
  });

  it('announces the 5, 2 and 1 minute marks and the end once each', () => {
    assert.equal(crossedMark(300_500, 299_500), 5);
    assert.equal(crossedMark(121_000, 120_000), 2);
    assert.equal(crossedMark(119_000, 118_000), null);
    assert.equal(crossedMark(800, 0), 0);
    assert.equal(crossedMark(null, 60_000), null, 'no announcement when the count starts');
    assert.equal(crossedMark(60_000, 60_000), null);
  });

  it('formats counts by the plural rules of each language', () => {
    assert.equal(plural(strings, 'fi', 'minutes_left', 1), '1 minuutti jäljellä');
    assert.equal(plural(strings, 'fi', 'minutes_left', 2), '2 minuuttia jäljellä');
    assert.equal(format(strings, 'phase_changed', { phase: 'Kartoitus' }), 'Vaihe: Kartoitus');
  });
});

describe('live session page model', () => {
  it('draws the lanes x columns grid with notes in their cells and totals only for those who may see them', () => {
    const page = presentLivePage({ state: stateOf(), lt: 'lt', language: 'fi' });
    assert.deepEqual(
      page.lanes.map((l) => l.cells.map((c) => `${c.place}: ${c.notes.map((n) => n.id).join(',')}`)),
      [
        ['Kela / Huoli herää: ', 'Kela / Työkyvyn arviointi: a,b'],
        ['Järjestöt / Huoli herää: ', 'Järjestöt / Työkyvyn arviointi: '],
      ],
    );
    // A participant's badges show their own votes (totals are hidden); a facilitator's, the totals.
    const fi = translator('fi');
    const [own, other] = page.lanes[0].cells[1].notes;
    assert.deepEqual([own.votesBadge, other.votesBadge], [fi('session_ui.note.mine', { count: 2 }), '']);
    assert.equal(page.votesLeft, 1);
    const facilitator = presentLivePage({ state: stateOf({ facilitator: true }), lt: 'lt', language: 'fi' });
    assert.equal(facilitator.lanes[0].cells[1].notes[1].votesBadge, fi('session_ui.note.total', { count: 1 }));
  });

  it('gives the client every string it uses, in every language', () => {
    const sources = [
      'public/src/session-live.ts',
      ...fs.readdirSync(path.join(ROOT_DIR, 'public/src/session')).map((f) => `public/src/session/${f}`),
    ];
    const used = new Set<string>();
    for (const file of sources) {
      const source = fs.readFileSync(path.join(ROOT_DIR, file), 'utf8');
      for (const m of source.matchAll(/\b(?:format|change|key)\((?:strings|s|this\.strings), '([a-z_]+)'/g))
        used.add(m[1]);
      for (const m of source.matchAll(/\b(?:change|key)\('([a-z_]+)'/g)) used.add(m[1]);
      for (const m of source.matchAll(/plural\([^,]+, [^,]+, '([a-z_]+)'/g))
        used.add(`${m[1]}_one`).add(`${m[1]}_other`);
    }
    assert.ok(used.size > 25, `the scan found the client's strings (${used.size})`);
    for (const language of LANGUAGES) {
      const given = presentLivePage({ state: stateOf(), lt: 'lt', language }).clientStrings;
      const statuses = ['connecting', 'online', 'offline'];
      const missing = [...used, ...statuses].filter((key) => !given[key]);
      assert.deepEqual(missing, [], `${language} lacks client strings`);
    }
  });
});
