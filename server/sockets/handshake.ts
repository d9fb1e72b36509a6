import type { IncomingMessage } from 'node:http';
import type { Sequelize } from 'sequelize';
import { loadLaunch } from '../domain/launches/launch.service';
import { RealtimeTokenError, verifyRealtimeToken } from '../domain/launches/realtime-token';
import { SiltaError } from '../errors';
import { isLanguage, languageFromAcceptLanguage, translator, type Language } from '../i18n';
import type { Logger } from '../logger';
import type { ConnectErrorData, SiltaSocket } from './events';

/**
 * Cross-site WebSocket hijacking guard for engine.io's `allowRequest`: a handshake must come
 * from a page on Silta's own origin. Browsers always send `Origin` on WebSocket handshakes and
 * cross-origin requests; a same-origin polling GET may omit it but then carries
 * `Sec-Fetch-Site: same-origin`. Anything else (including no header at all) is refused.
 */
export function originGuard(publicUrl: string) {
  const own = new URL(publicUrl).origin;
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    const allowed = origin ? origin === own : req.headers['sec-fetch-site'] === 'same-origin';
    callback(allowed ? null : 'origin not allowed', allowed);
  };
}

/** An Error as socket.io sends it in `connect_error`: the client reads `err.data.code`. */
function refusal(code: string, language: Language): Error & { data: ConnectErrorData } {
  const message = translator(language)(`errors.${code}`);
  return Object.assign(new Error(message), { data: { code, message } });
}

/** The language to refuse a handshake in before the launch is known. */
function handshakeLanguage(socket: SiltaSocket): Language {
  const asked = (socket.handshake.auth as { lang?: unknown }).lang;
  if (isLanguage(asked)) return asked;
  return languageFromAcceptLanguage(socket.handshake.headers['accept-language']);
}

/**
 * Socket.IO middleware: the handshake's `auth.token` must be a valid realtime token whose launch
 * session still exists for the same user and context. It runs again when a connection is
 * recovered (`skipMiddlewares: false`), so a recovered socket is authenticated afresh.
 */
export function authenticateSocket(sequelize: Sequelize, secretKey: string, logger: Logger) {
  return (socket: SiltaSocket, next: (err?: Error) => void) => {
    void (async () => {
      try {
        const claims = await verifyRealtimeToken((socket.handshake.auth as { token?: unknown }).token, secretKey);
        const launch = await loadLaunch(sequelize, claims.sessionId);
        if (launch.user.id !== claims.userId || launch.context.id !== claims.contextId)
          throw new RealtimeTokenError('realtime_token_invalid', 'launch does not match');
        socket.data = {
          sessionId: launch.sessionId,
          userId: launch.user.id,
          contextId: launch.context.id,
          role: launch.role,
          language: launch.language,
        };
        next();
      } catch (error) {
        const known = error instanceof SiltaError;
        if (known) logger.info({ code: error.code, detail: error.detail }, 'socket handshake refused');
        else logger.error({ err: error }, 'socket handshake failed');
        const language = (error instanceof RealtimeTokenError && error.language) || handshakeLanguage(socket);
        next(refusal(known ? error.code : 'internal', language));
      }
    })();
  };
}
