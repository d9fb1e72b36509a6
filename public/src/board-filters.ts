/**
 * The board's "Filter" disclosure: closed on a phone (the practices come first), open on a wider
 * screen where the filters fit beside the list. Only the starting state is set; the person can
 * still open or close it. Without scripts it starts closed and opens like any <details>.
 */
const WIDE = '(min-width: 48rem)';
for (const details of document.querySelectorAll<HTMLDetailsElement>('details[data-filters]')) {
  if (window.matchMedia(WIDE).matches) details.open = true;
}
