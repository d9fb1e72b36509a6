import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ConnectErrorData, ServerToClientEvents } from '../../server/sockets/events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectOptions = {
  token?: unknown;
  /** The Origin header; `null` sends none. Default: the server's own origin. */
  origin?: string | null;
  lang?: string;
  transports?: ('websocket' | 'polling')[];
};

/** A socket.io-client to `baseUrl` that does not connect until `connect()`; no reconnection. */
export function client(baseUrl: string, options: ConnectOptions = {}): ClientSocket {
  const origin = options.origin === undefined ? new URL(baseUrl).origin : options.origin;
  return connectClient(baseUrl, {
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    transports: options.transports ?? ['websocket'],
    extraHeaders: origin === null ? {} : { origin },
    auth: { token: options.token, ...(options.lang ? { lang: options.lang } : {}) },
  });
}

/** Connects; resolves when connected, rejects with the connect_error (its `data` has code and message). */
export function connected(socket: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: ConnectErrorData }) => reject(err));
    socket.connect();
  });
}

/** Connects and returns the connect_error that must happen. */
export async function refused(socket: ClientSocket): Promise<Error & { data?: ConnectErrorData }> {
  try {
    await connected(socket);
  } catch (error) {
    return error as Error & { data?: ConnectErrorData };
  } finally {
    socket.disconnect();
  }
  throw new Error('the connection was accepted');
}
