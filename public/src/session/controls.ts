import type { NoteColour, NoteView, SessionState } from '../../../server/sockets/session-events';
import { CommandError, type MutationEvent, type MutationInput, type SessionConnection } from './connection';
import type { DropTarget } from './grab';
import { errorSlotFor, type SessionView } from './render';
import { invalidMessage, showError } from './error-message';
import { format, type Strings } from './strings';

export type ControlDeps = {
  root: HTMLElement;
  view: SessionView;
  strings: Strings;
  connection: SessionConnection;
  state(): SessionState | null;
  /** Client ids this tab sent: their broadcasts are not announced (not others' changes). */
  sent: Set<string>;
  /** Notes added here and not yet broadcast back, shown as "sending…". */
  pendingNotes: Map<string, NoteView>;
  /** Client ids of this tab's moves: focus follows the note when the move is applied. */
  moves: Map<string, string>;
  /** Counts a change of a note in flight (+1) or answered (-1); the note shows "sending…" meanwhile. */
  notePending(noteId: string, delta: 1 | -1): void;
};

const field = <T extends HTMLElement>(form: HTMLElement, name: string) => form.querySelector<T>(`[name="${name}"]`)!;

/**
 * The page's forms and buttons as socket commands (event delegation on the session root). Each
 * command gets a client id; an error acknowledgement is shown next to the control, in the
 * user's language as the server sent it.
 */
export function wireControls(deps: ControlDeps): { drop(note: HTMLElement, target: DropTarget): void } {
  const { root, connection, sent } = deps;

  const run = <E extends MutationEvent>(
    control: Element,
    event: E,
    input: MutationInput<E>,
    clientId: string = crypto.randomUUID(),
  ) => {
    const slot = errorSlotFor(control);
    if (slot) showError(slot, '');
    sent.add(clientId);
    return connection.send(event, input, clientId).catch((error: unknown) => {
      if (slot) showError(slot, error instanceof CommandError ? error.message : String(error));
      throw error;
    });
  };
  const quietly = (promise: Promise<unknown>) => promise.catch(() => undefined);
  const noteIdOf = (control: Element) => control.closest<HTMLElement>('.session-note')?.dataset.noteId ?? '';

  function addNote(form: HTMLFormElement, state: SessionState) {
    const textarea = field<HTMLTextAreaElement>(form, 'text');
    const text = textarea.value;
    const colour = field<HTMLSelectElement>(form, 'colour').value as NoteColour;
    const lane = form.dataset.lane ?? '';
    const column = form.dataset.column ?? '';
    const clientId = crypto.randomUUID();
    const myName = state.participants.find((p) => p.key === state.me.presenceKey)?.name ?? null;
    deps.pendingNotes.set(clientId, {
      id: clientId,
      lane,
      column,
      phase: state.session.phase,
      text: text.trim(),
      colour,
      clusterId: null,
      author: { handle: state.me.handle, name: state.session.anonymous ? null : myName },
    });
    deps.view.renderNote(deps.pendingNotes.get(clientId)!, state, true);
    // Focus stays in the form for the next note.
    textarea.value = '';
    textarea.focus();
    run(form, 'note:add', { lane, column, text, colour }, clientId).catch(() => {
      deps.pendingNotes.delete(clientId);
      deps.view.removeNote(clientId);
      if (!textarea.value) textarea.value = text;
    });
  }

  /** Renames a cluster from its inline form; the form closes (focus back on Rename) once the server has it. */
  function renameCluster(form: HTMLFormElement) {
    const clusters = deps.view.clusters;
    const item = form.closest<HTMLElement>('.session-cluster');
    const clusterId = item?.dataset.clusterId;
    const cluster = deps.state()?.clusters.find((c) => c.id === clusterId);
    if (!item || !clusterId || !cluster) return;
    const label = field<HTMLInputElement>(form, 'label').value;
    if (label.trim() === cluster.label) return clusters.close(item);
    if (clusters.busy(item, true)) return;
    return quietly(
      run(form, 'cluster:rename', { clusterId, label })
        .then(() => clusters.close(item))
        .finally(() => clusters.busy(item, false)),
    );
  }

  /** Deletes a cluster once its in-page confirmation says so; its notes stay, unclustered. */
  function deleteCluster(button: HTMLButtonElement) {
    const clusters = deps.view.clusters;
    const item = button.closest<HTMLElement>('.session-cluster');
    const clusterId = item?.dataset.clusterId;
    if (!item || !clusterId || clusters.busy(item, true)) return;
    return quietly(
      run(button, 'cluster:delete', { clusterId })
        .then(() => clusters.deleted(item))
        .finally(() => clusters.busy(item, false)),
    );
  }

  /** A change of one note: "sending…" on it until the server answers. */
  function changeNote<E extends MutationEvent>(control: Element, event: E, input: MutationInput<E>, clientId?: string) {
    const noteId = noteIdOf(control);
    deps.notePending(noteId, 1);
    return run(control, event, input, clientId).finally(() => deps.notePending(noteId, -1));
  }

  // A field the browser finds wrong (empty, out of range) stops the form as before, but its reason
  // is written beside it in the page's language instead of the browser's own bubble (GOV.UK error
  // message); the first wrong field of the form gets the message and the focus.
  let refusing: HTMLFormElement | null = null;
  root.addEventListener(
    'invalid',
    (e) => {
      const field = e.target as HTMLInputElement;
      const slot = errorSlotFor(field);
      if (!slot) return;
      e.preventDefault();
      if (refusing === field.form) return;
      refusing = field.form;
      setTimeout(() => (refusing = null));
      showError(slot, invalidMessage(field, deps.strings), field);
      field.focus();
    },
    true,
  );
  root.addEventListener('submit', (e) => {
    const form = e.target as HTMLFormElement;
    const command = form.dataset.command;
    const state = deps.state();
    if (!command) return;
    e.preventDefault();
    // Before the first join there is nothing to send to: say so, never submit the form natively
    // (it would reload the page with what was typed in the address).
    if (!state) {
      const slot = errorSlotFor(form);
      if (slot) showError(slot, format(deps.strings, 'connecting'));
      return;
    }
    const noteId = noteIdOf(form);
    const value = (name: string) => field<HTMLInputElement>(form, name).value;
    switch (command) {
      case 'note:add':
        return addNote(form, state);
      case 'note:edit':
        return quietly(changeNote(form, 'note:edit', { noteId, text: value('text') }));
      case 'note:move': {
        const clientId = crypto.randomUUID();
        deps.moves.set(clientId, noteId);
        return quietly(
          changeNote(form, 'note:move', { noteId, lane: value('lane'), column: value('column') }, clientId).catch(() =>
            deps.moves.delete(clientId),
          ),
        );
      }
      case 'note:colour':
        return quietly(changeNote(form, 'note:colour', { noteId, colour: value('colour') as NoteColour }));
      case 'note:cluster':
        return quietly(changeNote(form, 'note:cluster', { noteId, clusterId: value('cluster') || null }));
      case 'cluster:create':
        return quietly(
          run(form, 'cluster:create', { label: value('label') }).then(
            () => (field<HTMLInputElement>(form, 'label').value = ''),
          ),
        );
      case 'cluster:rename':
        return renameCluster(form);
      case 'phase:set':
        return quietly(run(form, 'phase:set', { phase: value('phase') }));
      case 'timer:start':
        return quietly(
          run(
            form,
            'timer:start',
            state.session.timer.status === 'paused'
              ? {}
              : { durationSeconds: Math.round(Number(value('minutes')) * 60) },
          ),
        );
      case 'budget:set':
        return quietly(run(form, 'budget:set', { voteBudget: Number(value('voteBudget')) }));
    }
  });

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-command]');
    const state = deps.state();
    if (!button || !state) return;
    const noteId = noteIdOf(button);
    const { session } = state;
    switch (button.dataset.command) {
      case 'vote:cast':
      case 'vote:retract':
        return quietly(run(button, button.dataset.command, { noteId }));
      case 'note:delete': {
        // The note goes away: focus goes to its cell's "add a note".
        const summary = button.closest('.session-cell')?.querySelector<HTMLElement>('.session-add summary');
        return quietly(run(button, 'note:delete', { noteId }).then(() => summary?.focus()));
      }
      case 'cluster:delete':
        return deleteCluster(button);
      case 'timer:pause':
      case 'timer:reset':
        return quietly(run(button, button.dataset.command, {}));
      case 'lock:board':
        return quietly(run(button, session.locked ? 'session:unlock' : 'session:lock', { scope: 'board' }));
      case 'lock:phase':
        if (session.phase === null) return;
        return quietly(
          run(button, session.lockedPhases.includes(session.phase) ? 'session:unlock' : 'session:lock', {
            scope: 'phase',
            phase: session.phase,
          }),
        );
      case 'votes:toggle':
        return quietly(run(button, session.votesRevealed ? 'votes:hide' : 'votes:reveal', {}));
      case 'session:close':
        if (window.confirm(button.dataset.confirm ?? '')) quietly(run(button, 'session:close', {}));
        return;
    }
  });

  return {
    /** A note dropped by drag or keyboard: a move to a cell, or into a group; focus follows a move. */
    drop(note, target) {
      const noteId = note.dataset.noteId ?? '';
      if (target.kind === 'cluster')
        return void quietly(changeNote(note, 'note:cluster', { noteId, clusterId: target.clusterId }));
      const clientId = crypto.randomUUID();
      deps.moves.set(clientId, noteId);
      void quietly(
        changeNote(note, 'note:move', { noteId, lane: target.lane, column: target.column }, clientId).catch(() =>
          deps.moves.delete(clientId),
        ),
      );
    },
  };
}
