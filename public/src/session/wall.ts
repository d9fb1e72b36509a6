import { closeMenu, menuIsOpen, openMenu, openMenuNotes } from './note-menu';
import { format, type Strings } from './strings';

const PHONE = '(max-width: 48rem)';
const ZOOM_MIN = 0.4;
const ZOOM_MAX = 1.6;
const ZOOM_STEP = 0.1;

/**
 * The wall's own controls, all of them enhancements of the server-rendered page (without the
 * script the wall is a plain scrolling grid and every lane is listed): zoom (out, in, fit to the
 * screen) and panning by dragging the wall's background; on a phone, one lane at a time chosen
 * with a picker; a double-click on a cell, or Enter on a focused cell, opens its "add a note"
 * (Escape closes it again); a note's menu button, or Enter on a note, opens its menu (its panel
 * built by `buildMenu` on first open), Escape or a click elsewhere closes it; the facilitator's
 * toolbar starts closed on a phone.
 */
export function wireWall(root: HTMLElement, strings: Strings, buildMenu: (note: HTMLElement) => void): void {
  const wall = root.querySelector<HTMLElement>('.session-wall');
  const grid = root.querySelector<HTMLElement>('.session-grid');
  if (!wall || !grid) return;
  const phone = window.matchMedia(PHONE);

  // ---- Zoom ----
  const zoomTools = root.querySelector<HTMLElement>('.session-zoom');
  const level = root.querySelector<HTMLElement>('#session-zoom-level');
  let zoom = 1;
  function setZoom(value: number): void {
    zoom = Math.round(Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, value)) * 100) / 100;
    grid!.style.setProperty('--wall-zoom', String(zoom));
    if (level) level.textContent = format(strings, 'zoom_level', { percent: Math.round(zoom * 100) });
  }
  /** The zoom at which every column fits the wall's width (never above 1: type stays readable). */
  function fit(): void {
    grid!.style.setProperty('--wall-zoom', '1');
    sizeLanes(grid!);
    const natural = grid!.scrollWidth;
    setZoom(natural > 0 ? Math.min(1, wall!.clientWidth / natural) : 1);
  }
  if (zoomTools) {
    zoomTools.hidden = false;
    zoomTools.addEventListener('click', (e) => {
      const which = (e.target as Element).closest<HTMLElement>('[data-zoom]')?.dataset.zoom;
      if (which === 'in') setZoom(zoom + ZOOM_STEP);
      else if (which === 'out') setZoom(zoom - ZOOM_STEP);
      else if (which === 'fit') fit();
    });
  }
  if (!phone.matches) fit();
  else setZoom(1);

  // ---- Pan: drag the wall's background (not a note or a control) ----
  let pan: { x: number; y: number; left: number; top: number; id: number } | null = null;
  wall.addEventListener('pointerdown', (e) => {
    const target = e.target as Element;
    if (
      e.pointerType !== 'mouse' ||
      e.button !== 0 ||
      target.closest('.session-note, button, summary, a, input, textarea, select, label, form')
    )
      return;
    pan = { x: e.clientX, y: e.clientY, left: wall.scrollLeft, top: wall.scrollTop, id: e.pointerId };
  });
  wall.addEventListener('pointermove', (e) => {
    if (!pan || e.pointerId !== pan.id) return;
    wall.scrollLeft = pan.left - (e.clientX - pan.x);
    wall.scrollTop = pan.top - (e.clientY - pan.y);
    if (Math.abs(e.clientX - pan.x) + Math.abs(e.clientY - pan.y) > 4) wall.classList.add('is-panning');
  });
  const stopPan = () => {
    pan = null;
    wall.classList.remove('is-panning');
  };
  wall.addEventListener('pointerup', stopPan);
  wall.addEventListener('pointercancel', stopPan);

  // ---- Phone: one lane at a time ----
  const picker = root.querySelector<HTMLElement>('.session-lane-picker');
  const pick = root.querySelector<HTMLSelectElement>('#session-lane-pick');
  function showLane(): void {
    if (!pick) return;
    grid!.classList.toggle('is-one-lane', phone.matches);
    for (const lane of grid!.querySelectorAll<HTMLElement>('.session-lane'))
      lane.classList.toggle('is-shown', lane.dataset.lane === pick.value);
  }
  if (picker && pick) {
    picker.hidden = false;
    pick.addEventListener('change', showLane);
    phone.addEventListener('change', () => {
      showLane();
      if (!phone.matches) fit();
    });
    showLane();
  }

  // ---- Adding: a double-click on a cell, or Enter on a focused cell, opens its form ----
  const openAdd = (cell: Element | null | undefined) => {
    const add = cell?.querySelector<HTMLDetailsElement>('.session-add');
    if (!add) return;
    add.open = true;
    add.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  };
  grid.addEventListener('dblclick', (e) => {
    const target = e.target as Element;
    // A double-click on the cell's own "Add a note" counts too (its two clicks toggled it open
    // and shut again): in a narrow cell or zoomed out, it is most of the cell's empty top.
    if (
      target.closest('.session-note') ||
      (target.closest('.session-add') && !target.closest('.session-add > summary'))
    )
      return;
    openAdd(target.closest('.session-cell'));
  });
  wireCellKeys(grid, openAdd);

  // ---- A note's menu: its button or Enter on the note opens it, Escape closes it, one open at a time ----
  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('.session-note-menu-button');
    const note = button?.closest<HTMLElement>('.session-note');
    if (!note) return;
    if (menuIsOpen(note)) closeMenu(root, note);
    else openMenu(root, note, buildMenu);
  });
  root.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && target.classList.contains('session-note') && !target.classList.contains('is-grabbed')) {
      e.preventDefault();
      openMenu(root, target, buildMenu, true);
      return;
    }
    if (e.key === 'Escape') {
      // Escape leaves an opened "add a note" (nothing typed is lost: the text stays) for its cell.
      const add = target.closest<HTMLDetailsElement>('.session-grid .session-add[open]');
      if (add) {
        e.preventDefault();
        add.open = false;
        add.closest<HTMLElement>('.session-cell')?.focus();
        return;
      }
      const note = target.closest<HTMLElement>('.session-note');
      if (!note || !menuIsOpen(note)) return;
      e.preventDefault();
      closeMenu(root, note, true);
    }
  });

  // A click or tap outside an open note menu (its panel and its button) closes it, as a menu does.
  document.addEventListener('pointerdown', (e) => {
    const target = e.target as Element;
    for (const note of openMenuNotes(root))
      if (
        !note.querySelector('.session-note-panel')?.contains(target) &&
        !target.closest?.('.session-note-menu-button')
      )
        closeMenu(root, note);
  });

  // ---- The facilitator's toolbar starts closed on a phone ----
  const toolbar = root.querySelector<HTMLDetailsElement>('#session-toolbar');
  if (toolbar && phone.matches) toolbar.open = false;
}

/**
 * The cells from the keyboard: the first cell is a tab stop (right after the wall itself), the
 * others are reached with the arrow keys (lane up and down, step left and right); Enter opens
 * the focused cell's "add a note", and Tab goes on into the cell's notes. Always entering at the
 * first cell keeps the tab order the page's order (notes and "Add a note" links stay tab stops).
 */
function wireCellKeys(grid: HTMLElement, openAdd: (cell: HTMLElement) => void): void {
  const cells = [...grid.querySelectorAll<HTMLElement>('.session-cell')];
  if (cells.length === 0) return;
  for (const cell of cells) {
    cell.tabIndex = -1;
    cell.setAttribute('aria-describedby', 'session-cell-hint');
  }
  cells[0].tabIndex = 0;
  const lanes = [...new Set(cells.map((c) => c.dataset.lane ?? ''))];
  const columns = [...new Set(cells.map((c) => c.dataset.column ?? ''))];
  const cellAt = (lane: number, column: number) =>
    grid.querySelector<HTMLElement>(
      `.session-cell[data-lane="${CSS.escape(lanes[lane])}"][data-column="${CSS.escape(columns[column])}"]`,
    );
  const MOVES: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };

  grid.addEventListener('keydown', (e) => {
    const cell = e.target as HTMLElement;
    if (!cell.classList?.contains('session-cell') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      openAdd(cell);
      return;
    }
    const move = MOVES[e.key];
    if (!move) return;
    e.preventDefault();
    // Lanes hidden by the phone's lane picker are skipped: only a shown cell takes the focus.
    const lane = Math.min(lanes.length - 1, Math.max(0, lanes.indexOf(cell.dataset.lane ?? '') + move[0]));
    const column = Math.min(columns.length - 1, Math.max(0, columns.indexOf(cell.dataset.column ?? '') + move[1]));
    const next = cellAt(lane, column);
    if (next && next.offsetParent !== null) next.focus();
  });
}

/**
 * Widens the lane headers' track to the longest word of any lane's name when the browser cannot
 * hyphenate it (no dictionary for the page's language): "Sosiaalipalvelut" stays whole instead of
 * breaking mid-word. Where the browser hyphenates, the narrowest heading is narrower and the lane
 * keeps its width from the style sheet. Measured at zoom 1, before fitting.
 */
function sizeLanes(grid: HTMLElement): void {
  const headings = [...grid.querySelectorAll<HTMLElement>('.session-lane-heading')];
  if (headings.length === 0) return;
  grid.style.removeProperty('--lane-width');
  const track = headings[0].getBoundingClientRect().width;
  grid.classList.add('is-measuring');
  const widest = Math.max(...headings.map((h) => h.getBoundingClientRect().width));
  grid.classList.remove('is-measuring');
  if (widest > track) grid.style.setProperty('--lane-width', `${Math.ceil(widest) + 1}px`);
}
