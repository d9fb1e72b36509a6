/**
 * The spread map without page loads (progressive enhancement: without it each tile is a plain
 * link to the page with that region selected). Activating a tile (click, or Enter on a focused
 * tile) fetches that page, swaps in its map and region panel, keeps focus on the tile and tells a
 * screen reader what the selection shows, in one polite live region. The sentence comes from the
 * server, in the page's language.
 */
const AREA = 'spread-map-area';

async function selectRegion(link: SVGAElement | HTMLAnchorElement, status: HTMLElement): Promise<void> {
  const href = link.getAttribute('href');
  const code = link.dataset.region;
  if (!href || !code) return;
  const response = await fetch(href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
  if (!response.ok) {
    window.location.assign(href);
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), 'text/html');
  const fresh = page.getElementById(AREA);
  const area = document.getElementById(AREA);
  if (!fresh || !area) {
    window.location.assign(href);
    return;
  }
  area.replaceWith(document.importNode(fresh, true));
  document.title = page.title;
  window.history.replaceState(null, '', href.split('#')[0]);
  document.querySelector<SVGAElement>(`#${AREA} a[data-region="${CSS.escape(code)}"]`)?.focus();
  status.textContent = fresh.dataset.announcement ?? '';
}

const spreadStatus = document.getElementById('spread-status');
if (spreadStatus) {
  const announcer = spreadStatus;
  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const link = (event.target as Element | null)?.closest<SVGAElement>(`#${AREA} a[data-region]`);
    if (!link) return;
    event.preventDefault();
    selectRegion(link, announcer).catch(() => window.location.assign(link.getAttribute('href') ?? ''));
  });
}
