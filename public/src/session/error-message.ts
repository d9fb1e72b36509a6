let slots = 0;

/**
 * Puts a refusal in a form's error slot, or clears it (''). When the form has one field to type in,
 * the field is marked invalid and described by the message (the GOV.UK error message pattern), so a
 * screen reader reads the reason with the field and the field shows the error border.
 */
export function showError(slot: HTMLElement, message: string): void {
  slot.textContent = message;
  const holder = slot.closest('form') ?? slot.parentElement;
  const fields = holder ? holder.querySelectorAll<HTMLElement>('input[type="text"], textarea') : [];
  if (fields.length !== 1) return;
  const field = fields[0];
  slot.id ||= `session-error-${++slots}`;
  const described = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== slot.id);
  if (message) described.push(slot.id);
  if (described.length) field.setAttribute('aria-describedby', described.join(' '));
  else field.removeAttribute('aria-describedby');
  if (message) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
}
