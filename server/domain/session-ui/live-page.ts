import type { Launch } from '../launches/launch.service';
import { actorOf, loadState, viewerOf } from '../sessions/session.service';
import type { LiveSession } from '../../store/session-models';
import { presentLivePage } from './live-page.presenter';

/**
 * The live page of a session for a launch: the state as this viewer sees it, the same one
 * `session:join` returns. Presence is live-only, so the client fills it in after joining.
 */
export async function livePageOf(session: LiveSession, launch: Launch, options: { present?: boolean } = {}) {
  const state = await loadState(session, viewerOf(actorOf(launch)), []);
  return presentLivePage({ state, lt: launch.sessionId, language: launch.language, present: options.present });
}
