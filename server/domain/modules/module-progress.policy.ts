import { SiltaError } from '../../errors';
import type { Launch } from '../launches/launch.service';

/** Whether the launch may see the progress of everyone on its link: the course's teachers and administrators. */
export function canSeeProgress(launch: Launch): boolean {
  return launch.role === 'instructor' || launch.role === 'administrator';
}

/** Throws `forbidden` unless the launch may see (and act on) the progress of its link. */
export function authorizeProgress(launch: Launch): void {
  if (!canSeeProgress(launch)) throw new SiltaError('forbidden', 'forbidden', 'progress view needs a teaching role');
}
