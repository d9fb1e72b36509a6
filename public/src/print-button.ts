/**
 * Buttons marked `data-print` print the page. They are hidden in the HTML and shown here, so a
 * browser without scripts never offers a button that does nothing.
 */
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
