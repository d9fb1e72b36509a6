import type { z } from 'zod';
import type { Logger } from '../logger';
import { errorAck, parsePayload } from './ack';
import type { AckFn, SiltaSocket } from './events';

/**
 * A command's answer with work that must wait until the answer is sent: a mutation is
 * acknowledged to its sender first and only then broadcast (decision 0007), so the sender's
 * acknowledgement does not queue behind a whole room's deliveries.
 */
export class AnswerThen<T> {
  constructor(
    readonly answer: T,
    readonly afterAnswer: () => void,
  ) {}
}

/**
 * Wraps a command handler: validates the payload with the zod schema, runs the handler and
 * acknowledges `{ data }` or `{ error }`. A command sent without an acknowledgement callback is
 * dropped (every command must be acknowledged); nothing thrown escapes to socket.io.
 */
export function command<S extends z.ZodType, T>(
  socket: SiltaSocket,
  logger: Logger,
  schema: S,
  handler: (input: z.infer<S>) => Promise<T | AnswerThen<T>> | T | AnswerThen<T>,
) {
  return (payload: unknown, ack: AckFn<T>) => {
    if (typeof ack !== 'function') {
      logger.debug({ socket: socket.id }, 'command without acknowledgement dropped');
      return;
    }
    void (async () => {
      let result: T | AnswerThen<T>;
      try {
        result = await handler(parsePayload(schema, payload));
      } catch (error) {
        ack(errorAck(error, socket.data.language, logger));
        return;
      }
      if (!(result instanceof AnswerThen)) return ack({ data: result });
      ack({ data: result.answer });
      try {
        result.afterAnswer();
      } catch (error) {
        // Acknowledged and committed: a failed broadcast is caught up by the clients' replay (sinceSeq).
        logger.error({ err: error, socket: socket.id }, 'broadcast after acknowledgement failed');
      }
    })();
  };
}
