import type { NoteView, SessionEvent, SessionState } from '../../../server/sockets/session-events';

/** Where an event's seq stands against the last applied one (decision 0007). */
export type Order = 'apply' | 'stale' | 'gap';

/** `stale`: already applied (own echo or duplicate); `gap`: something was missed, re-join with sinceSeq. */
export function order(lastSeq: number, seq: number): Order {
  if (seq <= lastSeq) return 'stale';
  return seq === lastSeq + 1 ? 'apply' : 'gap';
}

const noteOf = (state: SessionState, id: string): NoteView | undefined => state.notes.find((n) => n.id === id);

function recountVotes(state: SessionState): void {
  state.votes.used = Object.values(state.votes.mine).reduce((sum, n) => sum + n, 0);
}

function setCount(counts: Record<string, number>, noteId: string, value: number): void {
  if (value > 0) counts[noteId] = value;
  else delete counts[noteId];
}

/**
 * Applies one sequenced event to the state in place and advances its seq. Every event carries
 * absolute values, so applying one that the state already reflects changes nothing.
 */
export function applyEvent(state: SessionState, event: SessionEvent): void {
  state.seq = event.data.seq;
  const { session, votes } = state;
  switch (event.type) {
    case 'note:added': {
      const note = { ...event.data.note, id: event.data.clientId };
      const at = state.notes.findIndex((n) => n.id === note.id);
      if (at >= 0) state.notes[at] = note;
      else state.notes.push(note);
      break;
    }
    case 'note:edited':
    case 'note:moved':
    case 'note:coloured':
    case 'note:clustered': {
      const note = noteOf(state, event.data.noteId);
      if (!note) break;
      if (event.type === 'note:edited') note.text = event.data.text;
      if (event.type === 'note:moved') Object.assign(note, { lane: event.data.lane, column: event.data.column });
      if (event.type === 'note:coloured') note.colour = event.data.colour;
      if (event.type === 'note:clustered') note.clusterId = event.data.clusterId;
      break;
    }
    case 'note:deleted': {
      const { noteId } = event.data;
      state.notes = state.notes.filter((n) => n.id !== noteId);
      // Its votes go back to the voters.
      delete votes.mine[noteId];
      if (votes.totals) delete votes.totals[noteId];
      recountVotes(state);
      break;
    }
    case 'cluster:created':
      if (!state.clusters.some((c) => c.id === event.data.cluster.id)) state.clusters.push(event.data.cluster);
      break;
    case 'cluster:renamed': {
      const cluster = state.clusters.find((c) => c.id === event.data.clusterId);
      if (cluster) cluster.label = event.data.label;
      break;
    }
    case 'cluster:deleted':
      state.clusters = state.clusters.filter((c) => c.id !== event.data.clusterId);
      for (const note of state.notes) if (note.clusterId === event.data.clusterId) note.clusterId = null;
      break;
    case 'vote:casted':
    case 'vote:retracted': {
      const { noteId, mine, total } = event.data;
      if (noteId === undefined) break;
      if (mine !== undefined) {
        setCount(votes.mine, noteId, mine);
        recountVotes(state);
      }
      if (total !== undefined) setCount((votes.totals ??= {}), noteId, total);
      break;
    }
    case 'votes:revealed':
      session.votesRevealed = true;
      votes.totals = { ...event.data.totals };
      break;
    case 'votes:hidden':
      session.votesRevealed = false;
      if (!state.me.facilitator) votes.totals = null;
      break;
    case 'budget:changed':
      session.voteBudget = event.data.voteBudget;
      break;
    case 'session:locked':
    case 'session:unlocked':
      session.locked = event.data.locked;
      session.lockedPhases = event.data.lockedPhases;
      break;
    case 'phase:changed':
      session.phase = event.data.phase;
      break;
    case 'timer:started':
    case 'timer:paused':
    case 'timer:reset':
      session.timer = event.data.timer;
      break;
    case 'session:closed':
      session.closed = true;
      break;
  }
}

/** Whether a participant (not the facilitator) is stopped from adding now: board or current phase locked. */
export function addingLocked(state: SessionState): boolean {
  const { session } = state;
  return session.locked || (session.phase !== null && session.lockedPhases.includes(session.phase));
}

/** Whether the viewer's adding controls (new notes, clusters and their changes) are frozen now. */
export function addFrozen(state: SessionState): boolean {
  return state.session.closed || (!state.me.facilitator && addingLocked(state));
}

/** What the viewer may do with a note: change it at all (ownership), and whether a lock stops it now. */
export function noteRights(state: SessionState, note: NoteView): { mayChange: boolean; frozen: boolean } {
  const { session, me, template } = state;
  const mayChange = me.facilitator || template.editOthers || note.author.handle === me.handle;
  const phaseLocked = note.phase !== null && session.lockedPhases.includes(note.phase);
  return { mayChange, frozen: session.closed || (!me.facilitator && (session.locked || phaseLocked)) };
}
