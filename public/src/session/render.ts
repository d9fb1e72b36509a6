import type { NoteView, ParticipantView, SessionState } from '../../../server/sockets/session-events';
import { ClusterList } from './cluster-list';
import { addFrozen, noteRights } from './state';
import { format, type Strings } from './strings';
import { markOpenMenus, menuIsOpen } from './note-menu';

const PLACEHOLDER = '__NOTE__';
const ID_ATTRIBUTES = ['id', 'for', 'aria-labelledby', 'aria-describedby'];

const $ = <T extends Element = HTMLElement>(root: ParentNode, selector: string) =>
  root.querySelector<T & Element>(selector);
const $$ = <T extends Element = HTMLElement>(root: ParentNode, selector: string) => [
  ...root.querySelectorAll<T & Element>(selector),
];

/** Puts a note's id into a cloned template's id references (`__NOTE__`). */
function withId(element: HTMLElement, id: string): void {
  for (const node of [element, ...$$(element, '*')]) {
    for (const name of ID_ATTRIBUTES) {
      const value = node.getAttribute(name);
      if (value?.includes(PLACEHOLDER)) node.setAttribute(name, value.split(PLACEHOLDER).join(id));
    }
  }
}

/** Sets a control's value unless the user is in it (never overwrite what someone is typing). */
function setValue(control: HTMLTextAreaElement | HTMLSelectElement | HTMLInputElement | null, value: string): void {
  if (control && document.activeElement !== control && control.value !== value) control.value = value;
}

/** Sets a select's options, keeping its choice where it still exists; renamed options are relabelled in place. */
function setOptions(select: HTMLSelectElement, options: { value: string; label: string }[]): void {
  const same = select.options.length === options.length && options.every((o, i) => select.options[i].value === o.value);
  if (same) {
    options.forEach((o, i) => {
      if (select.options[i].text !== o.label) select.options[i].text = o.label;
    });
    return;
  }
  const current = select.value;
  select.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
  select.value = options.some((o) => o.value === current) ? current : (options[0]?.value ?? '');
}

/** A toggle button's label for its state (`data-label-on` / `data-label-off`). */
function toggleLabel(button: HTMLElement | null, on: boolean): void {
  if (button) button.textContent = (on ? button.dataset.labelOn : button.dataset.labelOff) ?? button.textContent;
}

/**
 * Draws the session into the server-rendered page, keyed by ids, so what a user is focused on
 * or typing in survives others' changes. New notes come from the page's note `<template>`.
 */
export class SessionView {
  private readonly noteTemplate: HTMLTemplateElement;
  private readonly panelTemplate: HTMLTemplateElement | null;
  private cells: Map<string, HTMLElement> | undefined;
  /** The cluster list with its rename forms and delete confirmations. */
  readonly clusters: ClusterList;

  constructor(
    private readonly root: HTMLElement,
    private readonly strings: Strings,
  ) {
    this.noteTemplate = $<HTMLTemplateElement>(root, '#session-note-template')!;
    this.panelTemplate = $<HTMLTemplateElement>(root, '#session-note-panel-template');
    this.clusters = new ClusterList(root, strings);
  }

  noteElement(id: string): HTMLElement | null {
    return document.getElementById(`note-${id}`);
  }

  /**
   * A cell by its lane and step. The server draws the cells once, so they are looked up in a map
   * made on first use rather than by a selector over the whole 13,000-element wall per note.
   */
  private cell(lane: string, column: string): HTMLElement | undefined {
    this.cells ??= new Map(
      $$(this.root, '.session-cell').map((cell) => [`${cell.dataset.lane}\n${cell.dataset.column}`, cell]),
    );
    return this.cells.get(`${lane}\n${column}`);
  }

  private cellList(note: Pick<NoteView, 'lane' | 'column'>): HTMLElement | null {
    const cell = this.cell(note.lane, note.column);
    return cell ? $(cell, '.session-notes') : null;
  }

  /** The place of a cell in words ("Kela / Joint plan"), as the page labels it. */
  placeOf(lane: string, column: string): string {
    return this.cell(lane, column)?.dataset.place ?? '';
  }

  private createNote(id: string): HTMLElement {
    const element = this.noteTemplate.content.firstElementChild!.cloneNode(true) as HTMLElement;
    withId(element, id);
    element.dataset.noteId = id;
    return element;
  }

  /**
   * Builds a note's menu panel (details, votes, change forms) the first time its menu opens: one
   * shared template, so a wall of 500 notes carries no 500 panels (decision 0034). The caller
   * then draws the note, which fills it. Returns whether it was built now.
   */
  buildPanel(element: HTMLElement): boolean {
    const button = $(element, '.session-note-menu-button');
    const id = element.dataset.noteId;
    if (!button || !id || $(element, '.session-note-panel') || !this.panelTemplate) return false;
    const panel = this.panelTemplate.content.firstElementChild!.cloneNode(true) as HTMLElement;
    withId(panel, id);
    panel.hidden = true;
    button.after(panel);
    button.setAttribute('aria-controls', panel.id);
    return true;
  }

  /** Adds or updates a note where it belongs; returns its element (null if its cell is unknown). */
  renderNote(note: NoteView, state: SessionState, pending: boolean): HTMLElement | null {
    const list = this.cellList(note);
    if (!list) return null;
    const element = this.noteElement(note.id) ?? this.createNote(note.id);
    if (element.parentElement !== list) {
      // Moving a node drops focus; whoever was working in the note keeps their place.
      const focused = element.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
      list.append(element);
      focused?.focus();
      if (menuIsOpen(element)) markOpenMenus(this.root);
    }
    const s = this.strings;
    // The colour and "sending…" classes are the data's; others (collapsed, grabbed) are the page's.
    for (const name of [...element.classList]) if (name.startsWith('session-note--')) element.classList.remove(name);
    element.classList.add('session-note', `session-note--${note.colour}`);
    element.classList.toggle('is-pending', pending);
    element.classList.toggle('is-collapsed', note.clusterId !== null && this.clusters.collapsed.has(note.clusterId));
    if (note.clusterId) element.dataset.cluster = note.clusterId;
    else delete element.dataset.cluster;
    $(element, '.session-note-text')!.textContent = note.text;
    $(element, '[data-field="colour-badge"]')!.textContent = format(s, `colour_${note.colour}`);
    const clusterLabel = state.clusters.find((c) => c.id === note.clusterId)?.label;
    const clusterBadge = $(element, '[data-field="cluster-badge"]')!;
    clusterBadge.textContent = clusterLabel ?? '';
    clusterBadge.hidden = !clusterLabel;
    const pendingText = $(element, '[data-field="pending"]')!;
    pendingText.hidden = !pending;
    pendingText.textContent = pending ? format(s, 'sending') : '';
    const votesBadge = this.renderVotesBadge(element, note.id, state);
    // No visible badge: the badge row takes no room (a class-free rule; decision 0026).
    $(element, '.session-note-badges')!.hidden = clusterBadge.hidden && pendingText.hidden && votesBadge.hidden;
    // The menu panel, once built (its menu opened), gets its values here; until then there is none.
    const panel = $(element, '.session-note-panel');
    if (!panel) return element;
    $(panel, '[data-field="colour"]')!.textContent = format(s, `colour_${note.colour}`);
    $(panel, '[data-field="author"]')!.textContent = format(s, 'by', {
      name: note.author.name ?? format(s, 'anonymous'),
    });
    $(panel, '[data-field="cluster"]')!.textContent = clusterLabel ?? format(s, 'no_cluster');
    this.renderPanelVotes(panel, note.id, state);
    const { mayChange, frozen } = noteRights(state, note);
    $(panel, '.session-note-change')!.hidden = !mayChange;
    $<HTMLFieldSetElement>(panel, '[data-freeze="note"]')!.disabled = frozen;
    setValue($<HTMLTextAreaElement>(panel, 'textarea[name="text"]'), note.text);
    setValue($<HTMLSelectElement>(panel, 'select[name="lane"]'), note.lane);
    setValue($<HTMLSelectElement>(panel, 'select[name="column"]'), note.column);
    setValue($<HTMLSelectElement>(panel, 'select[name="colour"]'), note.colour);
    const cluster = $<HTMLSelectElement>(panel, 'select[name="cluster"]')!;
    setOptions(cluster, this.clusterOptions(state));
    setValue(cluster, note.clusterId ?? '');
    return element;
  }

  /** The votes badge on the note: the total where the viewer sees totals, else their own (none: hidden). */
  private renderVotesBadge(element: HTMLElement, noteId: string, state: SessionState): HTMLElement {
    const { votes } = state;
    const mine = votes.mine[noteId] ?? 0;
    const badge = $(element, '[data-field="votes-badge"]')!;
    const count = votes.totals !== null ? (votes.totals[noteId] ?? 0) : mine;
    badge.textContent = count > 0 ? format(this.strings, votes.totals !== null ? 'total' : 'mine', { count }) : '';
    badge.hidden = count === 0;
    return badge;
  }

  private renderPanelVotes(panel: HTMLElement, noteId: string, state: SessionState): void {
    const { votes, session } = state;
    const mine = votes.mine[noteId] ?? 0;
    $(panel, '[data-field="mine"]')!.textContent = format(this.strings, 'mine', { count: mine });
    const total = $(panel, '[data-field="total"]')!;
    total.hidden = votes.totals === null;
    total.textContent = format(this.strings, 'total', { count: votes.totals?.[noteId] ?? 0 });
    $<HTMLButtonElement>(panel, '[data-command="vote:cast"]')!.disabled =
      session.closed || votes.used >= session.voteBudget;
    $<HTMLButtonElement>(panel, '[data-command="vote:retract"]')!.disabled = session.closed || mine === 0;
  }

  removeNote(id: string): void {
    this.noteElement(id)?.remove();
  }

  private clusterOptions(state: SessionState) {
    return [
      { value: '', label: format(this.strings, 'no_cluster') },
      ...state.clusters.map((c) => ({ value: c.id, label: c.label })),
    ];
  }

  /** The cluster list and every note's cluster choice (a deleted cluster's notes show "no cluster"). */
  renderClusters(state: SessionState): void {
    this.clusters.render(state.clusters, addFrozen(state));
    $(this.root, '#session-no-clusters')!.hidden = state.clusters.length > 0;
    for (const select of $$<HTMLSelectElement>(this.root, '.session-note select[name="cluster"]'))
      setOptions(select, this.clusterOptions(state));
  }

  /** Everything: session indicators, clusters, presence and every note (removing the gone ones). */
  renderAll(state: SessionState, pendingNotes: NoteView[]): void {
    this.renderSession(state);
    this.renderClusters(state);
    this.renderPresence(state.participants, state.me.presenceKey);
    const shown = new Set<string>();
    for (const note of state.notes) if (this.renderNote(note, state, false)) shown.add(note.id);
    for (const note of pendingNotes) if (!shown.has(note.id) && this.renderNote(note, state, true)) shown.add(note.id);
    for (const element of $$(this.root, '.session-notes > .session-note'))
      if (!shown.has(element.dataset.noteId ?? '')) element.remove();
  }

  /** Phase, locks, closed, vote budget and reveal state, and what the controls allow now. */
  renderSession(state: SessionState): void {
    const { session, template, votes } = state;
    const phaseLocked = session.phase !== null && session.lockedPhases.includes(session.phase);
    $(this.root, '#session-phase')!.textContent = template.phases.find((p) => p.key === session.phase)?.label ?? '';
    $(this.root, '#session-locked-board')!.hidden = !session.locked;
    $(this.root, '#session-locked-phase')!.hidden = !phaseLocked;
    $(this.root, '#session-closed')!.hidden = !session.closed;
    $(this.root, '#session-outcome-link')!.hidden = !(state.me.facilitator || session.closed);
    $(this.root, '#session-budget')!.textContent = format(this.strings, 'budget', {
      left: Math.max(0, session.voteBudget - votes.used),
      budget: session.voteBudget,
    });
    $(this.root, '#session-votes-hidden')!.hidden = session.votesRevealed;
    $(this.root, '#session-votes-revealed')!.hidden = !session.votesRevealed;
    const frozen = addFrozen(state);
    for (const control of $$<HTMLFieldSetElement | HTMLButtonElement>(this.root, '[data-freeze="add"]'))
      control.disabled = frozen;
    const controls = $<HTMLFieldSetElement>(this.root, '[data-freeze="facilitator"]');
    if (controls) {
      controls.disabled = session.closed;
      toggleLabel($(this.root, '#facilitate-lock-board'), session.locked);
      toggleLabel($(this.root, '#facilitate-lock-phase'), phaseLocked);
      toggleLabel($(this.root, '#facilitate-reveal'), session.votesRevealed);
      toggleLabel($(this.root, '#facilitate-timer-start'), session.timer.status === 'paused');
      setValue($<HTMLSelectElement>(this.root, '#facilitate-phase'), session.phase ?? '');
      setValue($<HTMLInputElement>(this.root, '#facilitate-budget'), String(session.voteBudget));
    }
  }

  renderPresence(participants: ParticipantView[], me: string): void {
    const s = this.strings;
    $(this.root, '#session-presence-list')!.replaceChildren(
      ...participants.map((p) => {
        const item = document.createElement('li');
        const who = `${p.name ?? format(s, 'presence_participant')}${p.key === me ? ` (${format(s, 'presence_you')})` : ''}${p.facilitator ? `, ${format(s, 'presence_facilitator')}` : ''}`;
        const status = document.createElement('span');
        status.className = `session-presence-${p.status}`;
        status.textContent = format(s, `presence_${p.status}`);
        item.append(`${who} · ${p.region?.label ?? format(s, 'presence_no_region')} · `, status);
        return item;
      }),
    );
    $(this.root, '#session-presence-empty')!.hidden = participants.length > 0;
  }

  /** The timer's text; left alone when unchanged, so an idle timer's tick each second draws no frame. */
  renderTimer(text: string): void {
    const timer = $(this.root, '#session-timer')!;
    if (timer.textContent !== text) timer.textContent = text;
  }

  renderStatus(text: string, offline: boolean): void {
    const status = $(this.root, '#session-connection')!;
    status.textContent = text;
    status.classList.toggle('is-offline', offline);
  }
}

/** The error slot nearest a control: its form's, else its note's, else its section's. */
export function errorSlotFor(control: Element): HTMLElement | null {
  for (let node: Element | null = control; node; node = node.parentElement) {
    const slot = node.querySelector<HTMLElement>(':scope > .session-error');
    if (slot) return slot;
  }
  return null;
}
