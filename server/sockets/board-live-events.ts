/**
 * The live board's part of the socket contract (events.ts extends these). Payloads come from the
 * board's live presenter and carry only what every member of the board may see.
 */
import type { LivePayloads } from '../domain/board/board-live.presenter';
import type { AckFn } from './events';

export interface BoardClientEvents {
  /**
   * Follows the board of the socket's own launch. `board` (a board key) is optional and only
   * checked: naming any board but the launch's is `forbidden` and joins nothing.
   */
  'board:subscribe': (payload: unknown, ack: AckFn<{ board: string }>) => void;
}

/** Broadcasts to a board's viewers, each in the viewer's language. */
export type BoardServerEvents = { [K in keyof LivePayloads]: (payload: LivePayloads[K]) => void };
