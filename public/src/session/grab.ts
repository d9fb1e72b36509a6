import type { SessionState } from '../../../server/sockets/session-events';
import { noteRights } from './state';
import { format, type Strings } from './strings';

/** Where a note can be dropped: a cell of the wall, or a group of the cluster list. */
export type DropTarget = { kind: 'cell'; lane: string; column: string } | { kind: 'cluster'; clusterId: string };

export type GrabDeps = {
  root: HTMLElement;
  strings: Strings;
  state(): SessionState | null;
  /** Sends the move or the grouping (as the note's own forms would). */
  drop(noteElement: HTMLElement, target: DropTarget): void;
  /** Says something at once (picked up, where the note is over, dropped, cancelled). */
  say(text: string): void;
};

/** Pointer travel (px) before a mouse press becomes a drag, and a finger's hold (ms) before it does. */
const DRAG_DISTANCE = 6;
const TOUCH_HOLD_MS = 350;
/** What inside a note keeps its own pointer behaviour (its menu, buttons and fields). */
const OWN_CONTROLS = 'summary, button, a, input, textarea, select, label, .session-note-panel';

const cellOf = (element: Element | null) => element?.closest<HTMLElement>('.session-cell') ?? null;

/**
 * Moving notes by direct manipulation (decision 0016): drag with a mouse, pen or finger (a finger
 * holds still a moment first, so swiping still scrolls) onto another cell or onto a group, and
 * the same from the keyboard: Space picks the focused note up, the arrow keys move it between
 * cells, Space (or Enter) drops it, Escape cancels. Every step is said to screen readers.
 */
export function wireGrab(deps: GrabDeps): void {
  const { root, strings } = deps;
  const cells = () => [...root.querySelectorAll<HTMLElement>('.session-grid .session-cell')];
  const lanes = () => [...new Set(cells().map((c) => c.dataset.lane ?? ''))];
  const columns = () => [...new Set(cells().map((c) => c.dataset.column ?? ''))];
  const cellAt = (lane: string, column: string) =>
    root.querySelector<HTMLElement>(
      `.session-grid .session-cell[data-lane="${CSS.escape(lane)}"][data-column="${CSS.escape(column)}"]`,
    );
  const placeOf = (cell: HTMLElement) => cell.dataset.place ?? '';

  /** Whether the viewer may move this note now (own note or the method allows; no lock). */
  function movable(note: HTMLElement): boolean {
    const state = deps.state();
    const view = state?.notes.find((n) => n.id === note.dataset.noteId);
    if (!state || !view) return false;
    const { mayChange, frozen } = noteRights(state, view);
    return mayChange && !frozen;
  }

  let highlighted: HTMLElement | null = null;
  function highlight(element: HTMLElement | null): void {
    if (highlighted === element) return;
    highlighted?.classList.remove('is-drop-target');
    highlighted = element;
    highlighted?.classList.add('is-drop-target');
  }

  // ---- Keyboard -------------------------------------------------------------------------------
  let held: { note: HTMLElement; origin: HTMLElement; over: HTMLElement } | null = null;

  function release(): void {
    held?.note.classList.remove('is-grabbed');
    held = null;
    highlight(null);
  }

  root.addEventListener('keydown', (e) => {
    const note = e.target as HTMLElement;
    if (!note.classList?.contains('session-note')) return;
    if (!held) {
      if (e.key !== ' ' || !movable(note)) return;
      e.preventDefault();
      const origin = cellOf(note);
      if (!origin) return;
      held = { note, origin, over: origin };
      note.classList.add('is-grabbed');
      highlight(origin);
      deps.say(format(strings, 'grab_picked', { text: note.querySelector('.session-note-text')?.textContent ?? '' }));
      return;
    }
    if (held.note !== note) return release();
    const step: Record<string, [number, number]> = {
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
    };
    if (e.key in step) {
      e.preventDefault();
      const [dl, dc] = step[e.key];
      const allLanes = lanes();
      const allColumns = columns();
      const lane =
        allLanes[Math.min(allLanes.length - 1, Math.max(0, allLanes.indexOf(held.over.dataset.lane ?? '') + dl))];
      const column =
        allColumns[
          Math.min(allColumns.length - 1, Math.max(0, allColumns.indexOf(held.over.dataset.column ?? '') + dc))
        ];
      const next = cellAt(lane, column);
      if (next && next !== held.over) {
        held.over = next;
        highlight(next);
        next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        deps.say(format(strings, 'grab_over', { place: placeOf(next) }));
      }
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const { over, origin } = held;
      release();
      if (over === origin) return deps.say(format(strings, 'grab_same', { place: placeOf(origin) }));
      deps.drop(note, { kind: 'cell', lane: over.dataset.lane ?? '', column: over.dataset.column ?? '' });
      deps.say(format(strings, 'grab_dropped', { place: placeOf(over) }));
      return;
    }
    if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') e.preventDefault();
      const { origin } = held;
      release();
      deps.say(format(strings, 'grab_cancelled', { place: placeOf(origin) }));
    }
  });
  root.addEventListener('focusout', (e) => {
    if (held && e.target === held.note) release();
  });

  // ---- Pointer --------------------------------------------------------------------------------
  type Drag = {
    note: HTMLElement;
    pointerId: number;
    x: number;
    y: number;
    started: boolean;
    ghost: HTMLElement | null;
    timer?: ReturnType<typeof setTimeout>;
    touch: boolean;
  };
  let drag: Drag | null = null;
  let swallowClick = false;

  function targetAt(x: number, y: number): { element: HTMLElement; target: DropTarget } | null {
    const under = document.elementFromPoint(x, y);
    const cluster = under?.closest<HTMLElement>('.session-cluster[data-cluster-id]');
    if (cluster?.dataset.clusterId)
      return { element: cluster, target: { kind: 'cluster', clusterId: cluster.dataset.clusterId } };
    const cell = cellOf(under ?? null);
    if (cell && cell.closest('.session-grid'))
      return {
        element: cell,
        target: { kind: 'cell', lane: cell.dataset.lane ?? '', column: cell.dataset.column ?? '' },
      };
    return null;
  }

  function begin(d: Drag): void {
    d.started = true;
    const rect = d.note.getBoundingClientRect();
    const ghost = d.note.cloneNode(true) as HTMLElement;
    ghost.removeAttribute('id');
    for (const node of ghost.querySelectorAll('[id]')) node.removeAttribute('id');
    // The note's menu (button and any panel built for it) is no part of the picture.
    for (const part of ghost.querySelectorAll('.session-note-menu-button, .session-note-panel')) part.remove();
    // A picture of the note only: out of the tab order and the accessibility tree (the note
    // itself stays where it is, announced as picked up).
    for (const name of ['tabindex', 'aria-labelledby', 'aria-describedby']) ghost.removeAttribute(name);
    ghost.inert = true;
    ghost.setAttribute('aria-hidden', 'true');
    ghost.classList.add('session-note-ghost');
    ghost.style.width = `${rect.width}px`;
    document.body.append(ghost);
    d.ghost = ghost;
    d.note.classList.add('is-grabbed');
    place(d, d.x, d.y);
  }

  function place(d: Drag, x: number, y: number): void {
    if (!d.ghost) return;
    d.ghost.style.transform = `translate(${x + 8}px, ${y + 8}px)`;
    highlight(targetAt(x, y)?.element ?? null);
    // Near the wall's edges, the wall pans under the note.
    const wall = root.querySelector<HTMLElement>('.session-wall');
    if (!wall) return;
    const box = wall.getBoundingClientRect();
    const edge = 40;
    const dx = x < box.left + edge ? -20 : x > box.right - edge ? 20 : 0;
    const dy = y < box.top + edge ? -20 : y > box.bottom - edge ? 20 : 0;
    if ((dx || dy) && x >= box.left && x <= box.right && y >= box.top && y <= box.bottom) wall.scrollBy(dx, dy);
  }

  function end(d: Drag, drop: boolean, x = 0, y = 0): void {
    clearTimeout(d.timer);
    drag = null;
    if (!d.started) return;
    d.ghost?.remove();
    d.note.classList.remove('is-grabbed');
    highlight(null);
    swallowClick = true;
    setTimeout(() => (swallowClick = false), 0);
    if (!drop) return;
    const found = targetAt(x, y);
    if (!found) return;
    const { target, element } = found;
    if (target.kind === 'cell' && element === cellOf(d.note)) return;
    deps.drop(d.note, target);
    const label = element.querySelector('[data-field="label"]')?.textContent ?? '';
    deps.say(
      target.kind === 'cell'
        ? format(strings, 'grab_dropped', { place: placeOf(element) })
        : format(strings, 'grab_cluster', { label }),
    );
  }

  root.addEventListener('pointerdown', (e) => {
    const note = (e.target as Element).closest<HTMLElement>('.session-grid .session-note');
    if (!note || e.button !== 0 || (e.target as Element).closest(OWN_CONTROLS) || drag || !movable(note)) return;
    const d: Drag = {
      note,
      pointerId: e.pointerId,
      x: e.clientX,
      y: e.clientY,
      started: false,
      ghost: null,
      touch: e.pointerType === 'touch',
    };
    drag = d;
    if (d.touch) d.timer = setTimeout(() => drag === d && begin(d), TOUCH_HOLD_MS);
  });
  document.addEventListener('pointermove', (e) => {
    const d = drag;
    if (!d || e.pointerId !== d.pointerId) return;
    if (!d.started) {
      const far = Math.hypot(e.clientX - d.x, e.clientY - d.y) > DRAG_DISTANCE;
      // A finger that moves before its hold is a swipe: the page scrolls as usual.
      if (far && d.touch) return end(d, false);
      if (!far) return;
      begin(d);
    }
    e.preventDefault();
    place(d, e.clientX, e.clientY);
  });
  document.addEventListener('pointerup', (e) => {
    if (drag && e.pointerId === drag.pointerId) end(drag, true, e.clientX, e.clientY);
  });
  document.addEventListener('pointercancel', (e) => {
    if (drag && e.pointerId === drag.pointerId) end(drag, false);
  });
  // While a finger drags a note, it must not scroll the page.
  document.addEventListener(
    'touchmove',
    (e) => {
      if (drag?.started) e.preventDefault();
    },
    { passive: false },
  );
  // The click that ends a drag opens nothing.
  root.addEventListener(
    'click',
    (e) => {
      if (swallowClick) {
        e.preventDefault();
        e.stopPropagation();
      }
    },
    true,
  );
  // Text is not selected while dragging.
  root.addEventListener('selectstart', (e) => {
    if (drag?.started) e.preventDefault();
  });
}
