import { z } from 'zod';
import path from 'node:path';
import { DATA_DIR } from './paths';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A whole number in a range. Not z.coerce.number(), which reads " " as 0, "0x10" as 16 and
 * "3e3" as 3000: a typo must fail at boot, not bind another port.
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be ${min}-${max}`).max(max, `must be ${min}-${max}`));

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => (p === 'sqlite:' ? p : `${p}//`)).join(' or ')}`,
  );

/**
 * Every configuration variable Silta reads, with its default. `.env.example` mirrors this list.
 */
const schema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
      .default('development'),
    PORT: wholeNumber(0, 65535).default(3000),
    PUBLIC_URL: url(['http:', 'https:']).optional(),
    DATABASE_URL: url(['sqlite:', 'postgres:', 'postgresql:']).optional(),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    TRUST_PROXY: z.string().default('false'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    DEV_PLATFORM: booleanFlag.optional(),
    DEV_PLATFORM_URL: url(['http:', 'https:']).optional(),
    DEMO_DATA: booleanFlag.optional(),
    REGISTRATION_SECRET: z.string().min(24, 'must be at least 24 characters').optional(),
    LTI_CLOCK_SKEW_SECONDS: wholeNumber(0, 600).default(5),
    LTI_ID_TOKEN_MAX_AGE_SECONDS: wholeNumber(10, 3600).default(60),
    RATE_LIMIT_PER_MINUTE: wholeNumber(10, 1_000_000).default(6000),
    LAUNCH_SESSION_HOURS: z.coerce
      .number({ message: 'must be a number' })
      .min(1, 'must be 1-72')
      .max(72, 'must be 1-72')
      .default(8),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    SHUTDOWN_TIMEOUT_SECONDS: wholeNumber(1, 600).default(20),
    RETENTION_MONTHS: wholeNumber(0, 1200).default(0),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.DEV_PLATFORM === true) {
      ctx.addIssue({ code: 'custom', path: ['DEV_PLATFORM'], message: 'cannot be enabled when NODE_ENV=production' });
    }
    if (env.DEMO_DATA === true && (env.NODE_ENV === 'production' || env.DEV_PLATFORM === false)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEMO_DATA'],
        message: 'needs the development platform (not with NODE_ENV=production or DEV_PLATFORM=false)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_KEY'], message: 'is required when NODE_ENV=production' });
    }
  });

export type Env = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  publicUrl: string;
  databaseUrl: string;
  redisUrl?: string;
  secretKey: string;
  trustProxy: boolean | number | string;
  logLevel: string;
  devPlatform: boolean;
  devPlatformUrl: string;
  /** Demo activities and board data on the development platform, seeded at start (development only). */
  demoData: boolean;
  registrationSecret?: string;
  clockSkewSeconds: number;
  idTokenMaxAgeSeconds: number;
  launchSessionHours: number;
  rateLimitPerMinute: number;
  /** Bearer token for `/metrics`; unset: no metrics endpoint. */
  metricsToken?: string;
  /** Longest graceful shutdown before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /** Months without activity after which a user's personal data is erased; 0: never. */
  retentionMonths: number;
};

export class ConfigError extends Error {}

/** Parses `TRUST_PROXY` the way express understands it: a boolean, a hop count or a list of addresses. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * Validates the environment. A bad value throws a ConfigError whose message names the variable
 * and what is wrong, one line each.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = raw[name] !== undefined ? ` (got "${raw[name]}")` : '';
      return `Configuration error: ${name} ${issue.message}${got}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const env = parsed.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const devPlatform = env.DEV_PLATFORM ?? env.NODE_ENV !== 'production';
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    publicUrl,
    databaseUrl: env.DATABASE_URL ?? `sqlite:${path.join(DATA_DIR, 'silta.sqlite')}`,
    redisUrl: env.REDIS_URL,
    // Outside production a fixed development key keeps launch links valid across restarts.
    secretKey: env.SECRET_KEY ?? 'silta-development-secret-do-not-use-in-production',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    devPlatform,
    devPlatformUrl: (env.DEV_PLATFORM_URL ?? `${publicUrl}/dev/platform`).replace(/\/+$/, ''),
    // Development only by default: tests ask for it, production never has it.
    demoData: devPlatform && (env.DEMO_DATA ?? env.NODE_ENV === 'development'),
    registrationSecret: env.REGISTRATION_SECRET,
    clockSkewSeconds: env.LTI_CLOCK_SKEW_SECONDS,
    idTokenMaxAgeSeconds: env.LTI_ID_TOKEN_MAX_AGE_SECONDS,
    launchSessionHours: env.LAUNCH_SESSION_HOURS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    metricsToken: env.METRICS_TOKEN,
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
    retentionMonths: env.RETENTION_MONTHS,
  };
}
