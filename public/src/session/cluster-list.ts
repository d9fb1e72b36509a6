import type { ClusterView } from '../../../server/sockets/session-events';
import { format, type Strings } from './strings';
import { showError } from './error-message';

/** The id the cluster `<template>` carries; replaced with a cluster's id in a clone. */
const PLACEHOLDER = '__CLUSTER__';
const ID_ATTRIBUTES = ['id', 'for', 'aria-labelledby'];

/** A cluster's two in-place panels, each opened by a button of the cluster's row. */
const PANELS = {
  rename: { panel: '.session-cluster-rename', opener: '[data-action="cluster:rename"]' },
  confirm: { panel: '.session-cluster-confirm', opener: '[data-action="cluster:delete"]' },
} as const;
type Panel = keyof typeof PANELS;

const $ = <T extends Element = HTMLElement>(root: ParentNode, selector: string) =>
  root.querySelector<T & Element>(selector)!;

function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/**
 * The cluster list (views/partials/session-clusters.hbs), drawn by cluster id so an open rename
 * form or confirmation, and the focus in it, survive others' changes; and the opening and
 * closing of those panels (Escape or Cancel closes; focus goes in, then back to its button).
 */
export class ClusterList {
  private readonly list: HTMLElement;
  private readonly template: HTMLTemplateElement;
  /** Groups this viewer collapsed on the wall (their notes show one line each); the viewer's own view, never sent. */
  readonly collapsed = new Set<string>();

  constructor(
    private readonly root: HTMLElement,
    private readonly strings: Strings,
  ) {
    this.list = $(root, '#session-cluster-list');
    this.template = $<HTMLTemplateElement>(root, '#session-cluster-template');
    this.list.addEventListener('click', (e) => {
      const button = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
      const item = button?.closest<HTMLElement>('.session-cluster');
      if (!button || !item) return;
      if (button.dataset.action === 'cluster:rename') this.open(item, 'rename');
      else if (button.dataset.action === 'cluster:delete') this.open(item, 'confirm');
      else if (button.dataset.action === 'cancel') this.close(item);
      else if (button.dataset.action === 'cluster:collapse') this.toggleCollapsed(item, button);
    });
    this.list.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      const panel = (e.target as Element).closest('.session-cluster-rename, .session-cluster-confirm');
      const item = panel?.closest<HTMLElement>('.session-cluster');
      if (!item) return;
      e.preventDefault();
      this.close(item);
    });
  }

  /** Draws `clusters` in order: updates the ones shown, adds new ones, removes the gone ones. */
  render(clusters: ClusterView[], frozen: boolean): void {
    const shown = new Map(
      [...this.list.querySelectorAll<HTMLElement>(':scope > .session-cluster')].map((item) => [
        item.dataset.clusterId ?? '',
        item,
      ]),
    );
    const ids = new Set(clusters.map((c) => c.id));
    let focusLost = false;
    // Removed first, so the ones kept never move (moving a node drops its focus).
    for (const [id, item] of shown) {
      if (ids.has(id)) continue;
      focusLost ||= item.contains(document.activeElement);
      item.remove();
    }
    clusters.forEach((cluster, index) => {
      const item = shown.get(cluster.id) ?? this.create(cluster.id);
      if (this.list.children[index] !== item) this.list.insertBefore(item, this.list.children[index] ?? null);
      this.fill(item, cluster, frozen);
    });
    // Someone else deleted the cluster this user was working in.
    if (focusLost) this.focusAfterRemoval(null);
  }

  private create(id: string): HTMLElement {
    const item = this.template.content.firstElementChild!.cloneNode(true) as HTMLElement;
    for (const node of [item, ...item.querySelectorAll('*')]) {
      for (const name of ID_ATTRIBUTES) {
        const value = node.getAttribute(name);
        if (value?.includes(PLACEHOLDER)) node.setAttribute(name, value.split(PLACEHOLDER).join(id));
      }
    }
    item.dataset.clusterId = id;
    return item;
  }

  private fill(item: HTMLElement, cluster: ClusterView, frozen: boolean): void {
    const s = this.strings;
    const label = { label: cluster.label };
    setText($(item, '[data-field="label"]'), cluster.label);
    setAttribute($(item, PANELS.rename.opener), 'aria-label', format(s, 'clusters_rename_named', label));
    setAttribute($(item, PANELS.confirm.opener), 'aria-label', format(s, 'clusters_delete_named', label));
    setAttribute($(item, '[data-action="cluster:collapse"]'), 'aria-label', format(s, 'cluster_collapse', label));
    setAttribute($(item, '[data-action="cluster:collapse"]'), 'aria-pressed', String(this.collapsed.has(cluster.id)));
    setText($(item, '[data-field="rename-label"]'), format(s, 'clusters_rename_label', label));
    setText($(item, '[data-field="confirm"]'), format(s, 'clusters_delete_confirm', label));
    // What someone is typing is never overwritten; the form takes the label when it opens.
    const input = $<HTMLInputElement>(item, 'input[name="label"]');
    if ($(item, PANELS.rename.panel).hidden) input.value = cluster.label;
    for (const control of item.querySelectorAll<HTMLButtonElement>('[data-freeze="add"]')) control.disabled = frozen;
  }

  /** Collapses or expands a group's notes on the wall (one line each while collapsed). */
  private toggleCollapsed(item: HTMLElement, button: HTMLButtonElement): void {
    const id = item.dataset.clusterId ?? '';
    const on = !this.collapsed.has(id);
    if (on) this.collapsed.add(id);
    else this.collapsed.delete(id);
    button.setAttribute('aria-pressed', String(on));
    for (const note of this.root.querySelectorAll<HTMLElement>(`.session-note[data-cluster="${CSS.escape(id)}"]`))
      note.classList.toggle('is-collapsed', on);
  }

  /** Shows one panel of a cluster in place of its row, and moves focus into it. */
  open(item: HTMLElement, which: Panel): void {
    for (const name of Object.keys(PANELS) as Panel[]) $(item, PANELS[name].panel).hidden = name !== which;
    $(item, '.session-cluster-view').hidden = true;
    const panel = $(item, PANELS[which].panel);
    showError($(panel, '.session-error'), '');
    if (which === 'rename') {
      const input = $<HTMLInputElement>(panel, 'input[name="label"]');
      input.value = $(item, '[data-field="label"]').textContent ?? '';
      input.focus();
      input.select();
    } else {
      // Cancel first: a held Enter must not delete what was only meant to be asked about.
      $(panel, '[data-action="cancel"]').focus();
    }
  }

  /** Closes the open panel of a cluster and gives focus back to the button that opened it. */
  close(item: HTMLElement): void {
    const open = (Object.keys(PANELS) as Panel[]).find((name) => !$(item, PANELS[name].panel).hidden);
    if (!open) return;
    $(item, PANELS[open].panel).hidden = true;
    this.busy(item, false);
    $(item, '.session-cluster-view').hidden = false;
    const opener = $<HTMLButtonElement>(item, PANELS[open].opener);
    if (!opener.disabled) return opener.focus();
    // Locked meanwhile: the label keeps the user's place.
    const label = $(item, '[data-field="label"]');
    label.tabIndex = -1;
    label.focus();
  }

  /** Marks a cluster's command as under way ("sending…"); true when it already was. */
  busy(item: HTMLElement, on: boolean): boolean {
    const was = item.dataset.busy === 'true';
    if (on) item.dataset.busy = 'true';
    else delete item.dataset.busy;
    for (const pending of item.querySelectorAll<HTMLElement>('[data-field="pending"]')) {
      pending.hidden = !on;
      setText(pending, on ? format(this.strings, 'sending') : '');
    }
    return was;
  }

  /** This user deleted the cluster: it goes from view at once and focus goes to a neighbour. */
  deleted(item: HTMLElement): void {
    item.hidden = true;
    this.focusAfterRemoval(item);
  }

  /** Focus to the next cluster's (else the previous one's) Rename button, else the new cluster field. */
  private focusAfterRemoval(item: HTMLElement | null): void {
    const usable = (element: Element | null | undefined) => {
      const button =
        element instanceof HTMLElement && !element.hidden
          ? element.querySelector<HTMLButtonElement>(PANELS.rename.opener)
          : null;
      return button && !button.disabled && !button.closest('[hidden]') ? button : null;
    };
    const target =
      usable(item?.nextElementSibling) ??
      usable(item?.previousElementSibling) ??
      $<HTMLInputElement>(this.root, '#cluster-new');
    if (target.disabled) return;
    target.focus();
  }
}
