import { SiltaError } from '../../../errors';
import { ModuleAttempt } from '../../../store/models';
import type { Launch } from '../../launches/launch.service';
import type { ModulePack } from '../content-pack';
import type { ModuleLibrary } from './module-library';

function slugOf(launch: Launch): string {
  if (!launch.resourceLink) throw new SiltaError('module_not_selected', 'bad_request');
  const slug = launch.custom.module;
  if (!slug) throw new SiltaError('module_not_selected', 'not_found');
  return slug;
}

/** The current version of the module a launch's link is bound to: what a new attempt starts on. */
export async function currentPackOf(library: ModuleLibrary, launch: Launch): Promise<ModulePack> {
  const slug = slugOf(launch);
  const pack = await library.current(slug);
  if (!pack) throw new SiltaError('module_not_found', 'not_found', slug);
  return pack;
}

/**
 * The version the trainee's latest attempt on this link is pinned to (the current version before
 * the first attempt): an attempt started on version 1 is shown, saved and graded on version 1
 * after version 2 is published.
 */
export async function attemptPackOf(library: ModuleLibrary, launch: Launch): Promise<ModulePack> {
  const slug = slugOf(launch);
  const latest = await ModuleAttempt.findOne({
    where: { userId: launch.user.id, resourceLinkId: launch.resourceLink!.id },
    attributes: ['moduleSlug', 'moduleVersion'],
    order: [['attemptNo', 'DESC']],
  });
  // A link whose module setting changed since the attempt started goes by the link's module.
  const pinned = latest && latest.moduleSlug === slug ? await library.version(slug, latest.moduleVersion) : null;
  return pinned ?? currentPackOf(library, launch);
}
