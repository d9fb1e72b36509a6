/**
 * Time left as m:ss, rounded up so "0:00" means the time is really up. Shared by the page
 * presenter and the browser client (bundled), so both show the timer the same way.
 */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
