import { z } from 'zod';
import { forbidden } from '../errors';
import type { Logger } from '../logger';
import { command } from './command';
import type { SiltaServer, SiltaSocket } from './events';

/** The room of a course (LTI context): everyone launched into it may join. */
export const contextRoom = (contextId: number) => `context:${contextId}`;

const joinSchema = z.object({ room: z.string().max(100) }).strict();
const broadcastSchema = z.object({ text: z.string().max(200) }).strict();

/**
 * Generic room commands. `room:join` is the authorisation pattern every feature follows: the
 * room named in the payload is never trusted, only compared with what the handshake proved
 * (here: the socket's own launch context); anything else is `forbidden` and not joined.
 */
export function registerRoomHandlers(
  io: SiltaServer,
  socket: SiltaSocket,
  logger: Logger,
  options: { testEvents: boolean; port: () => number },
) {
  socket.on(
    'room:join',
    command(socket, logger, joinSchema, async ({ room }) => {
      if (room !== contextRoom(socket.data.contextId)) throw forbidden();
      await socket.join(room);
      return { room };
    }),
  );
  // TEST ONLY: lets the Redis adapter test broadcast from one instance to a client on another.
  if (options.testEvents) {
    socket.on(
      'test:broadcast',
      command(socket, logger, broadcastSchema, ({ text }) => {
        const room = contextRoom(socket.data.contextId);
        io.to(room).emit('test:broadcasted', { text, from: options.port() });
        return { room };
      }),
    );
  }
}
