import type { Logger } from '../logger';
import type { SiltaServer } from './events';
import { broadcastPresence } from './session-broadcast';

/** How long presence changes of a session gather before one list goes out. */
export const PRESENCE_GATHER_MS = 250;

/**
 * Presence lists sent together: the changes of one session (joins, leaves, away) within
 * `PRESENCE_GATHER_MS` go out as one list, read when it is sent, so nothing is left out. Sending
 * the whole list to the whole room at every join made a room of n people cost n² messages while
 * they arrived: 60 people at a workshop's start, or a thousand sockets.
 */
export class PresenceBroadcasts {
  private readonly pending = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly io: SiltaServer,
    private readonly logger: Logger,
    private readonly gatherMs = PRESENCE_GATHER_MS,
  ) {}

  /** The session's presence changed: its list goes out within `gatherMs`. */
  changed(sessionId: number): void {
    if (this.pending.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(sessionId);
      broadcastPresence(this.io, sessionId).catch((err: unknown) =>
        this.logger.warn({ err, sessionId }, 'presence broadcast failed'),
      );
    }, this.gatherMs);
    this.pending.set(sessionId, timer);
  }

  /** Drops the lists not yet sent (shutdown). */
  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
