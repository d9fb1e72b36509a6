import type { SessionEvent, SessionState } from '../../../server/sockets/session-events';
import { format, plural, type Strings } from './strings';

/**
 * One announcement: `note` (a note added: bursts collapse into "5 new notes"), `change` (other
 * board changes: bursts collapse into "3 changes") or `key` (phase, votes, time: always said).
 */
export type Message = { kind: 'note' | 'change' | 'key'; text: string };

const placeOf = (state: SessionState, strings: Strings, laneKey: string, columnKey: string) =>
  format(strings, 'place', {
    lane: state.template.lanes.find((l) => l.key === laneKey)?.label ?? laneKey,
    column: state.template.columns.find((c) => c.key === columnKey)?.label ?? columnKey,
  });

const clusterLabel = (state: SessionState, id: string): string | null =>
  state.clusters.find((c) => c.id === id)?.label ?? null;

/**
 * What to tell a screen-reader user about someone else's change, before it is applied to
 * `state` (so what it removes or renames is still there to be named); null for what needs no
 * words (vote counts of others, which change all the time).
 */
export function describe(event: SessionEvent, state: SessionState, strings: Strings): Message | null {
  const change = (key: string, values = {}): Message => ({ kind: 'change', text: format(strings, key, values) });
  const key = (name: string, values = {}): Message => ({ kind: 'key', text: format(strings, name, values) });
  switch (event.type) {
    case 'note:added': {
      const { note } = event.data;
      const place = placeOf(state, strings, note.lane, note.column);
      return {
        kind: 'note',
        text: note.author.name
          ? format(strings, 'note_added', { name: note.author.name, place })
          : format(strings, 'note_added_anonymous', { place }),
      };
    }
    case 'note:moved':
      return change('note_moved', { place: placeOf(state, strings, event.data.lane, event.data.column) });
    case 'note:edited':
      return change('note_edited');
    case 'note:deleted':
      return change('note_deleted');
    case 'note:coloured':
    case 'note:clustered':
      return change('note_grouped');
    case 'cluster:created':
      return change('cluster_created', { label: event.data.cluster.label });
    case 'cluster:renamed': {
      const from = clusterLabel(state, event.data.clusterId);
      return from === null ? null : change('cluster_renamed', { from, label: event.data.label });
    }
    case 'cluster:deleted': {
      const label = clusterLabel(state, event.data.clusterId);
      return label === null ? null : change('cluster_deleted', { label });
    }
    case 'votes:revealed':
      return key('votes_revealed');
    case 'votes:hidden':
      return key('votes_hidden');
    case 'budget:changed':
      return key('budget_changed', { count: event.data.voteBudget });
    case 'session:locked':
    case 'session:unlocked':
      return key(event.data.locked ? 'board_locked' : 'board_unlocked');
    case 'phase:changed':
      return key('phase_changed', {
        phase: state.template.phases.find((p) => p.key === event.data.phase)?.label ?? event.data.phase,
      });
    case 'timer:started':
      return key('timer_started');
    case 'timer:paused':
      return key('timer_paused_now');
    case 'timer:reset':
      return key('timer_reset');
    case 'session:closed':
      return key('closed');
    default:
      return null;
  }
}

/** Several announcements as one sentence: key ones verbatim, bursts of notes and changes counted. */
export function summarise(messages: Message[], strings: Strings, lang: string): string {
  if (messages.length === 1) return messages[0].text;
  const notes = messages.filter((m) => m.kind === 'note');
  const changes = messages.filter((m) => m.kind === 'change');
  const parts = messages.filter((m) => m.kind === 'key').map((m) => m.text);
  if (notes.length === 1) parts.push(notes[0].text);
  else if (notes.length > 1) parts.push(plural(strings, lang, 'notes_added', notes.length));
  if (changes.length === 1) parts.push(changes[0].text);
  else if (changes.length > 1) parts.push(plural(strings, lang, 'changes', changes.length));
  return parts.join('. ');
}

/**
 * The page's one polite live region. Announcements arriving within `windowMs` of the first are
 * said together, so a burst of others' notes becomes "5 new notes", not five interruptions.
 */
export class Announcer {
  private queue: Message[] = [];
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly region: { textContent: string | null },
    private readonly strings: Strings,
    private readonly lang: string,
    private readonly windowMs = 1200,
  ) {}

  push(message: Message | null): void {
    if (!message) return;
    this.queue.push(message);
    this.pending ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Says what is queued now. */
  flush(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    if (!this.queue.length) return;
    this.region.textContent = summarise(this.queue, this.strings, this.lang);
    this.queue = [];
  }
}
