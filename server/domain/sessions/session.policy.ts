import type { SiltaRole } from '../../../lti/roles';
import { SiltaError } from '../../errors';
import type { Language } from '../../i18n';
import type { LiveSession, SessionNote } from '../../store/session-models';
import type { SessionTemplate } from './session-template';

/** Who acts in a session: what the handshake (or the launch) proved. */
export type SessionActor = { userId: number; contextId: number; role: SiltaRole; language: Language };

/** Instructors and admins of the course facilitate its sessions. */
export function isFacilitator(actor: Pick<SessionActor, 'role'>): boolean {
  return actor.role === 'instructor' || actor.role === 'administrator';
}

/** Throws `facilitator_only` for a participant. */
export function requireFacilitator(actor: SessionActor): void {
  if (!isFacilitator(actor)) throw new SiltaError('facilitator_only', 'forbidden');
}

/** The session's locked phases (stored as JSON). */
export const lockedPhasesOf = (session: LiveSession): string[] => JSON.parse(session.lockedPhases) as string[];

/**
 * Participants add no notes or clusters while the board or the current phase is locked; the
 * facilitator still can. Voting is not locked: a locked board is what people vote on.
 */
export function requireUnlocked(actor: SessionActor, session: LiveSession, phase: string | null = session.phase): void {
  if (isFacilitator(actor)) return;
  if (session.locked || (phase !== null && lockedPhasesOf(session).includes(phase)))
    throw new SiltaError('session_locked', 'conflict');
}

/**
 * Changing a note (edit, move, colour, cluster, delete): its author, anyone when the template
 * allows editing others' notes, and the facilitator; never while its phase or the board is locked
 * (for participants).
 */
export function requireNoteChange(
  actor: SessionActor,
  session: LiveSession,
  template: SessionTemplate,
  note: SessionNote,
): void {
  requireUnlocked(actor, session, note.phase);
  if (note.authorId !== actor.userId && !template.editOthers && !isFacilitator(actor))
    throw new SiltaError('note_not_yours', 'forbidden');
}
