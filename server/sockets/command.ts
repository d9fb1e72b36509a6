import type { z } from 'zod';
import type { Logger } from '../logger';
import { errorAck, parsePayload } from './ack';
import type { AckFn, SiltaSocket } from './events';

/**
 * Wraps a command handler: validates the payload with the zod schema, runs the handler and
 * acknowledges `{ data }` or `{ error }`. A command sent without an acknowledgement callback is
 * dropped (every command must be acknowledged); nothing thrown escapes to socket.io.
 */
export function command<S extends z.ZodType, T>(socket: SiltaSocket, logger: Logger, schema: S, handler: (input: z.infer<S>) => Promise<T> | T) {
  return (payload: unknown, ack: AckFn<T>) => {
    if (typeof ack !== 'function') {
      logger.debug({ socket: socket.id }, 'command without acknowledgement dropped');
      return;
    }
    void (async () => {
      try {
        const input = parsePayload(schema, payload);
        ack({ data: await handler(input) });
      } catch (error) {
        ack(errorAck(error, socket.data.language, logger));
      }
    })();
  };
}
