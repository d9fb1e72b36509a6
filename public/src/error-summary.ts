// The error summary takes focus when a form comes back with errors (GOV.UK error summary pattern),
// so a screen reader reads it first. `autofocus` alone is ignored inside a cross-origin iframe
// (Moodle's), hence the script; its links move focus to the field, not just scroll to it.
const summary = document.querySelector<HTMLElement>('[data-error-summary]');
if (summary) {
  summary.focus();
  summary.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[href^="#"]');
    const field = link ? document.getElementById(link.hash.slice(1)) : null;
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: 'center' });
  });
}
