import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../logger';

/**
 * "Grades are due": a finished module (after its transaction committed) or a platform that
 * answered again wakes the grade workers at once instead of at their next poll. In this process
 * through an emitter; with REDIS_URL, other instances through a Redis channel. Without Redis the
 * other instances see the rows at their next database poll (about a second).
 */
const local = new EventEmitter();
local.setMaxListeners(0);
const CHANNEL = 'silta:grades:due';
const instance = crypto.randomUUID();
let publish: ((message: string) => void) | undefined;

/** Calls `listener` whenever grades become due; returns the unsubscribe. */
export function onGradesDue(listener: () => void): () => void {
  local.on('due', listener);
  return () => local.off('due', listener);
}

/** Tells this instance's workers (and, with Redis, the other instances') that grades are due. */
export function announceGradesDue(): void {
  local.emit('due');
  publish?.(instance);
}

/** Connects the announcements to the other instances through Redis pub/sub. */
export async function bridgeGradesDueToRedis(url: string, logger: Logger): Promise<{ close(): Promise<void> }> {
  // Loaded here, not at start: an instance without REDIS_URL never loads the Redis client.
  const { createClient } = await import('redis');
  const publisher = createClient({ url });
  const subscriber = publisher.duplicate();
  for (const client of [publisher, subscriber])
    client.on('error', (err: unknown) => logger.warn({ err }, 'grade wake-up redis error'));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(CHANNEL, (message) => {
    // Our own announcement already woke this instance.
    if (message !== instance) local.emit('due');
  });
  publish = (message) =>
    void publisher
      .publish(CHANNEL, message)
      .catch((err: unknown) => logger.warn({ err }, 'grade wake-up not published'));
  return {
    async close() {
      publish = undefined;
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
