// Counts a reflection as the server does (user-perceived characters, the same textLength), so a
// text the counter accepts is never refused by the server, and stops a too short or too long
// text with the message next to the field instead of a round trip.
import { textLength } from '../../server/domain/modules/assessment/text-length';

const area = document.getElementById('reflection-text') as HTMLTextAreaElement | null;
const counter = document.getElementById('reflection-count');
const live = document.getElementById('reflection-live');

if (area && counter && live && !area.readOnly) {
  const min = Number(area.dataset.min ?? 0);
  const max = Number(area.dataset.max ?? Infinity);
  const template = counter.dataset.template ?? '{count}';
  let reached = textLength(area.value) >= min;
  const update = () => {
    const count = textLength(area.value);
    counter.textContent = template.replace('{count}', String(count));
    // Announced once when the minimum is reached, not at every key.
    if (!reached && count >= min) live.textContent = area.dataset.reached ?? '';
    reached = count >= min;
    return count;
  };
  update();
  area.addEventListener('input', update);
  area.form?.addEventListener('submit', (event) => {
    const count = update();
    const message = count < min ? area.dataset.tooShort : count > max ? area.dataset.tooLong : null;
    let error = document.getElementById('reflection-error');
    if (!message) return;
    event.preventDefault();
    if (!error) {
      error = document.createElement('p');
      error.id = 'reflection-error';
      error.className = 'field-error';
      area.before(error);
      area.setAttribute('aria-describedby', `${area.getAttribute('aria-describedby') ?? ''} reflection-error`.trim());
    }
    error.textContent = message;
    area.setAttribute('aria-invalid', 'true');
    area.focus();
  });
}
