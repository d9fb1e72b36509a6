import { SiltaError } from '../../errors';
import type { Launch } from '../launches/launch.service';

export type BoardAction = 'moderate' | 'edit' | 'delete' | 'see-hidden';

/** What the board's policy needs to know of a post or comment. */
export type Authored = { authorId: number };

/** Instructors and admins moderate; everyone else is a participant. */
export function isModerator(launch: Launch): boolean {
  return launch.role === 'instructor' || launch.role === 'administrator';
}

/** Whether the launch's user may do `action` (on `target` for author-bound actions). */
export function can(launch: Launch, action: BoardAction, target?: Authored): boolean {
  if (action === 'moderate') return isModerator(launch);
  if (action === 'see-hidden') return isModerator(launch) || target?.authorId === launch.user.id;
  // Editing and deleting are the author's own; moderators hide instead of rewriting others' text.
  return target !== undefined && target.authorId === launch.user.id;
}

/** Throws `forbidden` unless the action is allowed. */
export function authorize(launch: Launch, action: BoardAction, target?: Authored): void {
  if (!can(launch, action, target)) throw new SiltaError('forbidden', 'forbidden', `board ${action}`);
}
