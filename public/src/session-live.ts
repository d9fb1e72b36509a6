// The live session page's client (views/sessions/live.hbs): connects, joins, keeps the page in
// step with the session by sequence numbers, and turns the page's forms into socket commands.
import type { NoteView, SessionEvent, SessionState } from '../../server/sockets/session-events';
import { Announcer, describe, type Message } from './session/announcer';
import { clockOffset, crossedMark, formatRemaining, remainingMs } from './session/clock';
import { SessionConnection, type ConnectionStatus } from './session/connection';
import { wireControls } from './session/controls';
import { wireGrab } from './session/grab';
import { wireWall } from './session/wall';
import { SessionView } from './session/render';
import { applyEvent, order } from './session/state';
import { format, plural, type Strings } from './session/strings';

function start(root: HTMLElement): void {
  const strings = JSON.parse(root.dataset.strings ?? '{}') as Strings;
  const lang = root.dataset.lang ?? 'fi';
  const view = new SessionView(root, strings);
  const announcer = new Announcer(document.getElementById('session-announcer')!, strings, lang);
  const sent = new Set<string>();
  const pendingNotes = new Map<string, NoteView>();
  const pendingChanges = new Map<string, number>();
  const moves = new Map<string, string>();
  let state: SessionState | null = null;
  let offset = 0;
  let lastStatus: ConnectionStatus = 'connecting';

  const isPending = (noteId: string) => pendingNotes.has(noteId) || (pendingChanges.get(noteId) ?? 0) > 0;
  const drawNote = (noteId: string) => {
    const note = state?.notes.find((n) => n.id === noteId) ?? pendingNotes.get(noteId);
    if (state && note) view.renderNote(note, state, isPending(noteId));
  };

  /** Draws what an applied event changed, announces others' changes, and lets focus follow a move. */
  function applied(event: SessionEvent, current: SessionState, message: Message | null): void {
    const { data } = event;
    if ('serverNow' in data) offset = clockOffset(data.serverNow);
    if (event.type === 'note:added') pendingNotes.delete(event.data.clientId);
    if (event.type === 'note:deleted') view.removeNote(event.data.noteId);
    else if (event.type === 'note:added') drawNote(event.data.clientId);
    else if ('noteId' in data && event.type.startsWith('note:') && data.noteId) drawNote(data.noteId);
    else view.renderAll(current, [...pendingNotes.values()]);
    announcer.push(message);
    const moved = moves.get(data.clientId);
    if (moved) {
      moves.delete(data.clientId);
      view.noteElement(moved)?.focus();
    }
  }

  const connection = new SessionConnection(
    { sessionId: Number(root.dataset.sessionId), lt: root.dataset.lt ?? '', lang },
    {
      onState(next) {
        state = next;
        view.renderAll(
          next,
          [...pendingNotes.values()].filter((n) => !next.notes.some((m) => m.id === n.id)),
        );
        tick();
      },
      onEvent(event) {
        if (!state) return;
        const position = order(state.seq, event.data.seq);
        if (position === 'gap') void connection.join();
        if (position !== 'apply') return;
        // Described before it is applied: a deleted cluster's name is still known.
        const message = sent.has(event.data.clientId) ? null : describe(event, state, strings);
        applyEvent(state, event);
        applied(event, state, message);
      },
      onPresence(participants) {
        if (!state) return;
        state.participants = participants;
        view.renderPresence(participants, state.me.presenceKey);
      },
      onServerNow(serverNow) {
        offset = clockOffset(serverNow);
      },
      onStatus(status, error) {
        if (status === 'offline' && lastStatus === 'online')
          announcer.push({ kind: 'key', text: format(strings, 'connection_lost') });
        if (status === 'online' && lastStatus === 'offline')
          announcer.push({ kind: 'key', text: format(strings, 'connection_back') });
        lastStatus = status;
        view.renderStatus(error?.message ?? format(strings, status), status === 'offline');
      },
      lastSeq: () => state?.seq ?? null,
    },
  );

  let before: number | null = null;
  /** Redraws the timer from the server's clock; says minute marks and the end aloud. */
  function tick(): void {
    if (!state) return;
    const { timer } = state.session;
    const left = remainingMs(timer, offset);
    if (left === null) view.renderTimer(format(strings, 'timer_idle'));
    else if (timer.status === 'paused')
      view.renderTimer(format(strings, 'timer_paused', { time: formatRemaining(left) }));
    else view.renderTimer(left === 0 ? format(strings, 'time_up') : formatRemaining(left));
    const mark = timer.status === 'running' ? crossedMark(before, left) : null;
    if (mark !== null)
      announcer.push({
        kind: 'key',
        text: mark === 0 ? format(strings, 'time_up') : plural(strings, lang, 'minutes_left', mark),
      });
    before = timer.status === 'running' ? left : null;
  }
  setInterval(tick, 1000);

  const controls = wireControls({
    root,
    view,
    strings,
    connection,
    state: () => state,
    sent,
    pendingNotes,
    moves,
    notePending(noteId, delta) {
      pendingChanges.set(noteId, (pendingChanges.get(noteId) ?? 0) + delta);
      if (!pendingChanges.get(noteId)) pendingChanges.delete(noteId);
      drawNote(noteId);
    },
  });
  // A note's menu panel is built when the menu first opens, then filled from the state.
  wireWall(root, strings, (note) => {
    if (view.buildPanel(note)) drawNote(note.dataset.noteId ?? '');
  });
  wireGrab({
    root,
    strings,
    state: () => state,
    drop: (note, target) => controls.drop(note, target),
    say(text) {
      announcer.push({ kind: 'key', text });
      announcer.flush();
    },
  });
  document.addEventListener('visibilitychange', () => connection.setAway(document.hidden));
  connection.connect();
}

const root = document.getElementById('session-live');
if (root) start(root);
