import crypto from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import type { BoardEventHub } from '../domain/board/board-events';
import { presentLiveEvent, type LiveBroadcast } from '../domain/board/board-live.presenter';
import { BOARD_KEY } from '../domain/board/board.schema';
import { boardOf, type Board } from '../domain/board/board.service';
import { loadLaunch } from '../domain/launches/launch.service';
import { forbidden } from '../errors';
import { LANGUAGES, type Language } from '../i18n';
import type { Logger } from '../logger';
import { command } from './command';
import type { SiltaServer, SiltaSocket } from './events';

/**
 * A board's room for the viewers who read it in `lang` (each language gets its own presented
 * payload). The issuer is a URL, so the room names it by a short hash.
 */
export function boardRoom(board: Board, lang: Language): string {
  const issuer = crypto.createHash('sha256').update(board.issuer).digest('hex').slice(0, 16);
  return `board:${issuer}:${board.key}:${lang}`;
}

const subscribeSchema = z.object({ board: z.string().regex(BOARD_KEY).optional() }).strict();

/**
 * `board:subscribe`: the board comes from the socket's own launch (platform and custom parameter
 * `board`, as over HTTP); a board key in the payload is only compared with it.
 */
export function registerBoardHandlers(socket: SiltaSocket, logger: Logger, sequelize: Sequelize): void {
  socket.on(
    'board:subscribe',
    command(socket, logger, subscribeSchema, async ({ board: asked }) => {
      const board = boardOf(await loadLaunch(sequelize, socket.data.sessionId));
      if (asked !== undefined && asked !== board.key) throw forbidden();
      await socket.join(boardRoom(board, socket.data.language));
      return { board: board.key };
    }),
  );
}

/**
 * Makes Socket.IO the listener of the board events: each committed change is presented once and
 * sent to the board's room in every language. Returns the function that stops listening.
 */
export function broadcastBoardEvents(io: SiltaServer, hub: BoardEventHub, logger: Logger): () => void {
  return hub.listen((board, event) => {
    presentLiveEvent(event)
      .then((present) => {
        if (!present) return;
        for (const lang of LANGUAGES) {
          const { name, payload }: LiveBroadcast = present(lang);
          // The name and payload are matched by the LiveBroadcast union; emit's typing cannot see that.
          const room = io.to(boardRoom(board, lang)) as unknown as { emit(event: string, payload: unknown): boolean };
          room.emit(name, payload);
        }
      })
      .catch((error: unknown) => logger.error({ err: error, event: event.type }, 'board event not broadcast'));
  });
}
