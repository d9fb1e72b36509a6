import { format, type Strings } from './strings';

let slots = 0;

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Marks `field` invalid and described by `slot`, or (`on` false) takes both back. */
function mark(field: HTMLElement, slot: HTMLElement, on: boolean): void {
  const described = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== slot.id);
  if (on) described.push(slot.id);
  if (described.length) field.setAttribute('aria-describedby', described.join(' '));
  else field.removeAttribute('aria-describedby');
  if (on) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
}

/**
 * Puts a refusal in a form's error slot, or clears it (''). The field it is about (`field`, or
 * else the form's one field to type in) is marked invalid and described by the message (the
 * GOV.UK error message pattern), so a screen reader reads the reason with the field and the field
 * shows the error border. Clearing takes the mark off every field the slot described.
 */
export function showError(slot: HTMLElement, message: string, field?: HTMLElement): void {
  slot.textContent = message;
  const holder = slot.closest('form') ?? slot.parentElement;
  if (!holder) return;
  slot.id ||= `session-error-${++slots}`;
  for (const marked of holder.querySelectorAll<HTMLElement>('[aria-invalid="true"]')) mark(marked, slot, false);
  if (!message) return;
  const typed = holder.querySelectorAll<HTMLElement>('input[type="text"], textarea');
  const target = field ?? (typed.length === 1 ? typed[0] : undefined);
  if (target) mark(target, slot, true);
}

/** What is wrong with a field the browser found invalid, in the page's language, naming its label. */
export function invalidMessage(field: Field, strings: Strings): string {
  const label = (field.labels?.[0]?.textContent ?? '').trim();
  const { validity } = field;
  if (validity.valueMissing) return format(strings, 'field_missing', { label });
  if (validity.tooLong && 'maxLength' in field)
    return format(strings, 'field_too_long', { label, max: field.maxLength });
  const bounds = field as HTMLInputElement;
  return format(strings, 'field_range', { label, min: bounds.min, max: bounds.max });
}
