import type http from 'node:http';
import type { createClient } from 'redis';
import type { Sequelize } from 'sequelize';
import { Server } from 'socket.io';
import type { Env } from '../env';
import type { BoardEventHub } from '../domain/board/board-events';
import type { Logger } from '../logger';
import { broadcastBoardEvents, registerBoardHandlers } from './board.socket';
import type { SiltaServer } from './events';
import { authenticateSocket, originGuard } from './handshake';
import { registerRoomHandlers } from './rooms.socket';
import { registerSessionHandlers } from './sessions.socket';
import { LiveRooms } from '../domain/sessions/live-rooms';
import { PresenceBroadcasts } from './presence-broadcasts';
import { DEFAULT_SOCKET_RATE, limitSocketRate, type RateLimitOptions } from './socket-rate-limit';

/** Largest Socket.IO message accepted; a bigger one closes the connection (engine.io's limit). */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

export type RealtimeDeps = {
  env: Env;
  sequelize: Sequelize;
  logger: Logger;
  /** Per-socket event rate (default 20/s, burst 40). */
  rate?: RateLimitOptions;
  /** The board's committed changes, broadcast to the board's viewers (the live board). */
  boardEvents?: BoardEventHub;
};

export type Realtime = {
  io: SiltaServer;
  /** Disconnects every socket, stops the adapter and closes the Redis client. Idempotent. */
  close(): Promise<void>;
};

/**
 * Attaches Socket.IO to Silta's http server: Origin check, token handshake, per-socket rate
 * limit, connection state recovery (middlewares re-run on recovery) and, with REDIS_URL, the
 * Redis Streams adapter that connects instances. The http server must already have the express
 * app as its request listener (engine.io wraps the listeners present at attach time).
 */
export async function attachRealtime(server: http.Server, deps: RealtimeDeps): Promise<Realtime> {
  const { env, logger } = deps;
  const log = logger.child({ component: 'realtime' });
  let redis: ReturnType<typeof createClient> | undefined;
  let adapter: ReturnType<typeof import('@socket.io/redis-streams-adapter').createAdapter> | undefined;
  if (env.redisUrl) {
    // Loaded only with REDIS_URL: one instance needs neither, and loading them costs start-up time.
    const [{ createClient: connectRedis }, { createAdapter }] = await Promise.all([
      import('redis'),
      import('@socket.io/redis-streams-adapter'),
    ]);
    redis = connectRedis({ url: env.redisUrl });
    redis.on('error', (err: unknown) => log.error({ err }, 'redis error'));
    await redis.connect();
    adapter = createAdapter(redis);
  }
  const io: SiltaServer = new Server(server, {
    // No CORS: only Silta's own pages connect, and the Origin guard refuses the rest.
    cors: undefined,
    allowRequest: originGuard(env.publicUrl),
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    serveClient: false,
    ...(adapter ? { adapter } : {}),
  });
  io.use(authenticateSocket(deps.sequelize, env.secretKey, log));
  const liveRooms = new LiveRooms();
  const presence = new PresenceBroadcasts(io, log);
  const stopBoardEvents = deps.boardEvents && broadcastBoardEvents(io, deps.boardEvents, log);
  const testEvents = env.nodeEnv === 'test';
  const port = () => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : env.port;
  };
  io.on('connection', (socket) => {
    limitSocketRate(socket, log, deps.rate ?? DEFAULT_SOCKET_RATE);
    registerRoomHandlers(io, socket, log, { testEvents, port });
    registerSessionHandlers(io, socket, { sequelize: deps.sequelize, logger: log, rooms: liveRooms, presence });
    registerBoardHandlers(socket, log, deps.sequelize);
  });

  let closing: Promise<void> | undefined;
  return {
    io,
    close() {
      closing ??= (async () => {
        stopBoardEvents?.();
        liveRooms.close();
        presence.close();
        await io.close();
        if (redis?.isOpen) await redis.close();
      })();
      return closing;
    },
  };
}
