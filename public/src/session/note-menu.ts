/**
 * A note's menu: a button (`aria-expanded`) that shows and hides the note's panel, which is built
 * on first open (render.ts `buildPanel`). A button rather than a `<details>` per note: each
 * `<details>` brings a shadow root with its own style sheet, and a note added to a 500-note wall
 * made the browser update the style scopes of all of them (decision 0034).
 */

const BUTTON = '.session-note-menu-button';

const buttonOf = (note: Element) => note.querySelector<HTMLButtonElement>(BUTTON);
const panelOf = (note: Element) => note.querySelector<HTMLElement>('.session-note-panel');

/** Whether this note's menu is open. */
export function menuIsOpen(note: Element): boolean {
  return buttonOf(note)?.getAttribute('aria-expanded') === 'true';
}

/** The notes whose menu is open (one at most, but a moved or redrawn note is not assumed). */
export function openMenuNotes(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(`${BUTTON}[aria-expanded="true"]`)]
    .map((button) => button.closest<HTMLElement>('.session-note'))
    .filter((note): note is HTMLElement => note !== null);
}

/**
 * Marks the cell and lane holding an open note menu (`is-menu-open`): they are drawn whole, since
 * the containment that lets the browser skip the rest of the wall would clip the menu (session.css).
 * A class set here rather than a `:has()` rule: that rule made every note added re-check the page.
 */
export function markOpenMenus(root: ParentNode): void {
  const open = new Set<Element>();
  for (const note of openMenuNotes(root))
    for (const holder of [note, note.closest('.session-cell'), note.closest('.session-lane')])
      if (holder) open.add(holder);
  for (const holder of root.querySelectorAll('.is-menu-open'))
    if (!open.has(holder)) holder.classList.remove('is-menu-open');
  for (const holder of open) holder.classList.add('is-menu-open');
}

/** Closes a note's menu; with `focusButton`, focus goes back to its button (Escape). */
export function closeMenu(root: ParentNode, note: Element, focusButton = false): void {
  const button = buttonOf(note);
  if (!button) return;
  button.setAttribute('aria-expanded', 'false');
  const panel = panelOf(note);
  if (panel) panel.hidden = true;
  markOpenMenus(root);
  if (focusButton) button.focus();
}

/**
 * Opens a note's menu (closing any other), building its panel first (`build`); with
 * `focusFirst`, focus goes to the panel's first control (Enter on the note).
 */
export function openMenu(
  root: ParentNode,
  note: Element,
  build: (note: HTMLElement) => void,
  focusFirst = false,
): void {
  for (const other of openMenuNotes(root)) if (other !== note) closeMenu(root, other);
  build(note as HTMLElement);
  const button = buttonOf(note);
  const panel = panelOf(note);
  if (!button || !panel) return;
  panel.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  markOpenMenus(root);
  if (focusFirst) panel.querySelector<HTMLElement>('button:not(:disabled), textarea')?.focus();
}
