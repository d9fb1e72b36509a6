/**
 * A bare ltijs 5.9.9 tool on ltijs-sequelize (SQLite or PostgreSQL, as Silta in the same run), the baseline of bench/launch.ts. It is
 * what the ltijs README shows, with no tuning: ltijs's own login route, state cookie, launch
 * validation (fetching the platform's JWKS on every launch), session cookie and `?ltik=` redirect.
 *
 * Configured by the benchmark through the environment:
 *   BENCH_PORT      port to listen on
 *   BENCH_DATABASE_URL  sqlite:<file> or postgres://… (a fresh temporary file or database)
 *   BENCH_PLATFORM  JSON { issuer, clientId, authEndpoint, tokenEndpoint, jwksUrl }
 * Prints `BENCH_READY` on stdout once the platform is registered.
 */
import { Provider } from 'ltijs';
import Database from 'ltijs-sequelize';
import type { Request, Response } from 'express';

type IdToken = { userInfo?: { name?: string }; platformContext?: { context?: { title?: string }; roles?: string[] } };

/** The parts of ltijs's API a standalone ltijs app uses (lti/types only declares Silta's). */
type BareProvider = {
  setup(key: string, database: { plugin: unknown }, options: Record<string, unknown>): BareProvider;
  onConnect(callback: (token: IdToken, req: Request, res: Response) => unknown): void;
  deploy(options: { port: number; silent: boolean }): Promise<boolean>;
  registerPlatform(platform: Record<string, unknown>): Promise<unknown>;
};

type PlatformConfig = {
  issuer: string;
  clientId: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** ltijs-sequelize on the benchmark's database, configured the way its README shows. */
function plugin(databaseUrl: string): unknown {
  if (databaseUrl.startsWith('sqlite:'))
    return new Database('', '', '', {
      dialect: 'sqlite',
      storage: databaseUrl.slice('sqlite:'.length),
      logging: false,
    });
  const url = new URL(databaseUrl);
  return new Database(url.pathname.slice(1), decodeURIComponent(url.username), decodeURIComponent(url.password), {
    dialect: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    logging: false,
  });
}

async function main() {
  const port = Number(process.env.BENCH_PORT);
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const platform = JSON.parse(process.env.BENCH_PLATFORM ?? 'null') as PlatformConfig | null;
  if (!port || !databaseUrl || !platform)
    throw new Error('BENCH_PORT, BENCH_DATABASE_URL and BENCH_PLATFORM are required');

  const lti = Provider as unknown as BareProvider;
  lti.setup(
    'bench-bare-ltijs-secret-key-0123456789',
    { plugin: plugin(databaseUrl) },
    {
      cookies: { secure: false, sameSite: 'Lax' },
      devMode: false,
    },
  );
  // A small first page, like Silta's landing page: who and where.
  lti.onConnect((token, _req, res) => {
    const name = escapeHtml(token.userInfo?.name ?? '');
    const course = escapeHtml(token.platformContext?.context?.title ?? '');
    const roles = (token.platformContext?.roles ?? []).map((r) => escapeHtml(r.split('#').pop() ?? r)).join(', ');
    res.send(
      `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Bare ltijs</title></head><body><main><h1>Tervetuloa, ${name}</h1><p>${course}</p><p>${roles}</p></main></body></html>`,
    );
  });
  await lti.deploy({ port, silent: true });
  await lti.registerPlatform({
    url: platform.issuer,
    name: 'Bench platform',
    clientId: platform.clientId,
    authenticationEndpoint: platform.authEndpoint,
    accesstokenEndpoint: platform.tokenEndpoint,
    authConfig: { method: 'JWK_SET', key: platform.jwksUrl },
  });
  console.log('BENCH_READY');
}

main().catch((error: unknown) => {
  console.error('bare ltijs could not start:', error);
  process.exit(1);
});
