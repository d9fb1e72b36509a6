import { format, type Strings } from './strings';

const PHONE = '(max-width: 48rem)';
const ZOOM_MIN = 0.4;
const ZOOM_MAX = 1.6;
const ZOOM_STEP = 0.1;

/**
 * The wall's own controls, all of them enhancements of the server-rendered page (without the
 * script the wall is a plain scrolling grid and every lane is listed): zoom (out, in, fit to the
 * screen) and panning by dragging the wall's background; on a phone, one lane at a time chosen
 * with a picker; a double-click on a cell opens its "add a note"; Enter on a note opens its
 * menu, Escape closes it; the facilitator's toolbar starts closed on a phone.
 */
export function wireWall(root: HTMLElement, strings: Strings): void {
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
    if (e.pointerType !== 'mouse' || e.button !== 0 || target.closest('.session-note, button, summary, a, input, textarea, select, label, form')) return;
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
    for (const lane of grid!.querySelectorAll<HTMLElement>('.session-lane')) lane.classList.toggle('is-shown', lane.dataset.lane === pick.value);
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

  // ---- Adding: a double-click on a cell opens its form ----
  grid.addEventListener('dblclick', (e) => {
    const target = e.target as Element;
    if (target.closest('.session-note, .session-add')) return;
    const add = target.closest('.session-cell')?.querySelector<HTMLDetailsElement>('.session-add');
    if (!add) return;
    add.open = true;
    add.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  });

  // ---- A note's menu: Enter opens it, Escape closes it, one open at a time ----
  root.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && target.classList.contains('session-note') && !target.classList.contains('is-grabbed')) {
      const menu = target.querySelector<HTMLDetailsElement>('.session-note-menu');
      if (!menu) return;
      e.preventDefault();
      menu.open = true;
      menu.querySelector<HTMLElement>('.session-note-panel button:not(:disabled), .session-note-panel textarea')?.focus();
      return;
    }
    if (e.key === 'Escape') {
      const menu = target.closest<HTMLDetailsElement>('.session-note-menu[open]');
      if (!menu) return;
      e.preventDefault();
      menu.open = false;
      menu.querySelector<HTMLElement>('summary')?.focus();
    }
  });
  root.addEventListener('toggle', (e) => {
    const opened = e.target as HTMLDetailsElement;
    if (!opened.classList?.contains('session-note-menu') || !opened.open) return;
    for (const other of root.querySelectorAll<HTMLDetailsElement>('.session-note-menu[open]')) if (other !== opened) other.open = false;
  }, true);

  // A click or tap outside an open note menu closes it, as a menu does.
  document.addEventListener('pointerdown', (e) => {
    for (const menu of root.querySelectorAll<HTMLDetailsElement>('.session-note-menu[open]')) if (!menu.contains(e.target as Node)) menu.open = false;
  });

  // ---- The facilitator's toolbar starts closed on a phone ----
  const toolbar = root.querySelector<HTMLDetailsElement>('#session-toolbar');
  if (toolbar && phone.matches) toolbar.open = false;
}
