import express, { type Express } from 'express';
import type { LtijsProvider } from 'ltijs';
import type { Sequelize } from 'sequelize';
import pinoHttp from 'pino-http';
import { JwksCache } from '../lti/jwks-cache';
import { loginStateKey } from '../lti/login-state';
import type { PlatformRegistry } from '../lti/platforms';
import { devPlatformRoutes } from '../lti/dev-platform/dev-platform.routes';
import type { DevPlatform } from '../lti/dev-platform/dev-platform';
import type { Env } from './env';
import { SiltaError } from './errors';
import { errorHandler } from './http/error-handler';
import { pageLanguage } from './http/language';
import { rateLimit } from './http/rate-limit';
import { securityHeaders } from './http/security';
import { useViews } from './http/views';
import { appRoutes } from './http/routes/app.routes';
import { deepLinkRoutes } from './http/routes/deep-link.routes';
import { healthRoutes } from './http/routes/health.routes';
import { homeRoutes } from './http/routes/home.routes';
import { ltiRoutes } from './http/routes/lti.routes';
import { registrationRoutes } from './http/routes/registration.routes';
import { moduleRoutes } from './http/routes/module.routes';
import { boardRoutes } from './http/routes/board.routes';
import { sessionRoutes } from './http/routes/session.routes';
import { loadSessionTemplates, type SessionTemplate } from './domain/sessions/session-template';
import { boardSpreadRoutes } from './http/routes/board-spread.routes';
import type { BoardEvents } from './domain/board/board-events';
import { moduleProgressRoutes } from './http/routes/module-progress.routes';
import { realtimeRoutes } from './http/routes/realtime.routes';
import { styleguideRoutes } from './http/routes/styleguide.routes';
import { adminRoutes } from './http/admin/admin.routes';
import { sessionOutcomeRoutes } from './http/routes/session-outcome.routes';
import { ModuleLibrary } from './domain/modules/versions/module-library';
import type { Logger } from './logger';
import type { ServiceClient } from '../lti/service-client';
import { PUBLIC_DIR } from './paths';
import { requestId } from './http/request-id';
import { metricsRoutes } from './http/routes/metrics.routes';
import { closeConnectionsWhenDraining, type Lifecycle } from './ops/lifecycle';
import { measureRequests } from './ops/metrics';
import { quietRequest } from './log-format';

/** Tokens and secrets in query strings never reach the log. */
const redactUrl = (url: string) => url.replace(/([?&](?:lt|secret|invite|registration_token|ltik)=)[^&]+/g, '$1…');

export type AppDeps = {
  /** Live-session method templates (content/session-templates), validated at boot; loaded here when absent. */
  sessionTemplates?: ReadonlyMap<string, SessionTemplate>;
  env: Env;
  sequelize: Sequelize;
  lti: LtijsProvider;
  registry: PlatformRegistry;
  logger: Logger;
  devPlatform?: DevPlatform;
  /** The published modules in the database (docs/decisions/0018); a fresh library when absent. */
  modules?: ModuleLibrary;
  /** Platform services client (AGS, NRPS), shared with the grade worker. */
  serviceClient?: ServiceClient;
  /** Called when a teacher puts failed grades back in the outbox (wakes the worker). */
  onGradesRequeued?: () => void;
  /** Shared with the shutdown: draining turns /readyz to 503. */
  lifecycle?: Lifecycle;
  /** Where the board's services tell committed changes (the live board); none: nobody hears. */
  boardEvents?: BoardEvents;
};

/** Builds the express app without listening, so tests and the server share it. */
export function createApp(deps: AppDeps): Express {
  const { env } = deps;
  const modules = deps.modules ?? new ModuleLibrary();
  const app = express();
  app.disable('x-powered-by');
  // Every page carries a fresh CSP nonce, so an ETag of its body never matches a second time,
  // and hashing each body cost about a tenth of a millisecond of CPU per page (decision 0040).
  // Static files keep theirs (express.static sets them from the file).
  app.disable('etag');
  app.set('trust proxy', env.trustProxy);
  app.set('sequelize', deps.sequelize);
  useViews(app);

  const lifecycle = deps.lifecycle ?? { draining: false };
  app.use(measureRequests());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      autoLogging: env.nodeEnv !== 'test' && { ignore: (req) => quietRequest(req.url) },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: redactUrl(String(req.url)) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.use(healthRoutes(deps.sequelize, lifecycle));
  app.use(metricsRoutes({ token: env.metricsToken }));
  app.use('/public', express.static(PUBLIC_DIR, { maxAge: env.nodeEnv === 'production' ? '1d' : 0 }));
  app.use(securityHeaders({ publicUrl: env.publicUrl, allowedOrigins: () => deps.registry.allowedOrigins() }));
  app.use(pageLanguage);
  // Per client address, on the LTI entry points and on everything posted.
  const perAddress = rateLimit({ perMinute: env.rateLimitPerMinute, key: (req) => req.ip });
  app.use(['/lti/login', '/lti/launch', '/lti/register'], perAddress);
  app.post(/^\/(modules|sessions|lti\/deep-link)/, perAddress);

  const jwks = new JwksCache();
  app.use(
    ltiRoutes({
      registry: deps.registry,
      jwks,
      stateKey: loginStateKey(env.secretKey),
      clockSkewSeconds: env.clockSkewSeconds,
      idTokenMaxAgeSeconds: env.idTokenMaxAgeSeconds,
      sequelize: deps.sequelize,
      publicUrl: env.publicUrl,
      sessionHours: env.launchSessionHours,
    }),
  );
  app.use(
    registrationRoutes({
      registry: deps.registry,
      publicUrl: env.publicUrl,
      registrationSecret: env.registrationSecret,
      allowHttp: env.nodeEnv !== 'production',
    }),
  );
  app.use(deepLinkRoutes({ lti: deps.lti, publicUrl: env.publicUrl, modules }));
  // ltijs serves the tool's JWKS (every platform's public tool key).
  app.use('/lti', (req, res, next) => (req.path === '/keys' ? deps.lti.app(req, res, next) : next()));
  app.use(appRoutes());
  app.use(moduleRoutes({ sequelize: deps.sequelize, modules }));
  app.use(boardSpreadRoutes());
  app.use(boardRoutes({ sequelize: deps.sequelize, postsPerMinute: env.rateLimitPerMinute, events: deps.boardEvents }));
  app.use(sessionRoutes({ sequelize: deps.sequelize, templates: deps.sessionTemplates ?? loadSessionTemplates() }));
  app.use(
    moduleProgressRoutes({
      sequelize: deps.sequelize,
      modules,
      registry: deps.registry,
      lti: deps.lti,
      client: deps.serviceClient,
      onGradesRequeued: deps.onGradesRequeued,
    }),
  );
  app.use(realtimeRoutes({ secretKey: env.secretKey }));
  app.use(sessionOutcomeRoutes({ sequelize: deps.sequelize, postsPerMinute: env.rateLimitPerMinute }));
  if (deps.devPlatform) app.use('/dev/platform', devPlatformRoutes(deps.devPlatform));
  // The component style guide is for developers: never in production.
  if (env.nodeEnv !== 'production') app.use(styleguideRoutes());
  app.use(
    '/admin',
    adminRoutes({
      env,
      sequelize: deps.sequelize,
      lti: deps.lti,
      registry: deps.registry,
      logger: deps.logger,
      modules,
      onGradesRequeued: deps.onGradesRequeued,
    }),
  );
  app.use(homeRoutes({ devPlatform: !!deps.devPlatform }));

  app.use((_req, _res, next) => next(new SiltaError('not_found', 'not_found')));
  app.use(errorHandler(deps.logger, env.publicUrl));
  return app;
}
