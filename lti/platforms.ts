import type { LtijsPlatform, LtijsProvider } from 'ltijs';
import { QueryTypes } from 'sequelize';
import { Deployment, PlatformMeta } from '../server/store/models';

export type PlatformConfig = {
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
  /** ltijs's id for the platform; also the `kid` of the tool key used with it. */
  kid: string;
  origins: string[];
  registeredBy: string;
};

export type NewPlatform = {
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
  deploymentIds: string[];
  product?: string;
  registeredBy: 'dynamic' | 'manual' | 'dev';
};

const CACHE_MS = 60_000;
type Cached<T> = { value: T; at: number };

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Registered platforms and their deployments. ltijs keeps each platform and the tool key pair
 * made for it; Silta keeps the deployments it accepts and the origins allowed to frame it. Reads
 * are cached briefly so launches do not hit the database for configuration; changes made on
 * another instance are seen within a minute, and a miss always asks the database.
 */
export class PlatformRegistry {
  private platforms = new Map<string, Cached<PlatformConfig>>();
  private deployments = new Map<string, number>();
  private origins: Cached<string[]> | undefined;

  constructor(private readonly lti: LtijsProvider) {}

  /** Registers (or updates) a platform and its deployments. */
  async register(input: NewPlatform): Promise<PlatformConfig> {
    await this.lti.registerPlatform({
      url: input.issuer,
      name: input.name,
      clientId: input.clientId,
      authenticationEndpoint: input.authEndpoint,
      accesstokenEndpoint: input.tokenEndpoint,
      authConfig: { method: 'JWK_SET', key: input.jwksUrl },
    });
    const origins = [
      ...new Set([originOf(input.authEndpoint), originOf(input.issuer)].filter((o): o is string => !!o)),
    ];
    const [meta] = await PlatformMeta.findOrBuild({
      where: { issuer: input.issuer, clientId: input.clientId },
      defaults: {
        issuer: input.issuer,
        clientId: input.clientId,
        name: input.name,
        origins: '[]',
        registeredBy: input.registeredBy,
      },
    });
    meta.set({
      name: input.name,
      product: input.product ?? null,
      origins: JSON.stringify(origins),
      registeredBy: input.registeredBy,
    });
    await meta.save();
    for (const deploymentId of input.deploymentIds)
      await this.addDeployment(input.issuer, input.clientId, deploymentId);
    this.forget();
    const platform = await this.find(input.issuer, input.clientId);
    if (!platform) throw new Error('platform registration did not persist');
    return platform;
  }

  async addDeployment(issuer: string, clientId: string, deploymentId: string): Promise<void> {
    await Deployment.findOrCreate({
      where: { issuer, clientId, deploymentId },
      defaults: { issuer, clientId, deploymentId, label: null },
    });
  }

  /** The platform registered for an issuer and client id; without a client id, the issuer's only one. */
  async find(issuer: string, clientId?: string): Promise<PlatformConfig | undefined> {
    if (!clientId) {
      const all = await readPlatformRows(issuer);
      if (!all || all.length !== 1) return all ? undefined : this.findThroughLtijs(issuer);
      clientId = all[0].clientId;
    }
    const key = `${issuer}\n${clientId}`;
    const cached = this.platforms.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
    const rows = await readPlatformRows(issuer, clientId);
    if (!rows) return this.findThroughLtijs(issuer, clientId);
    if (!rows[0]) return undefined;
    const meta = await PlatformMeta.findOne({ where: { issuer, clientId } });
    const value = describeRow(rows[0], meta);
    this.platforms.set(key, { value, at: Date.now() });
    return value;
  }

  /** The same through ltijs, when its table could not be read directly (not made yet: ltijs makes it). */
  private async findThroughLtijs(issuer: string, clientId?: string): Promise<PlatformConfig | undefined> {
    if (!clientId) {
      const all = await this.lti.getPlatform(issuer);
      if (!all || all.length !== 1) return undefined;
      clientId = await all[0].platformClientId();
    }
    const platform = await this.lti.getPlatform(issuer, clientId);
    if (!platform) return undefined;
    return describe(platform, await PlatformMeta.findOne({ where: { issuer, clientId } }));
  }

  /** ltijs's platform object, which signs service requests and caches access tokens. */
  async ltijsPlatform(issuer: string, clientId: string): Promise<LtijsPlatform> {
    const platform = await this.lti.getPlatform(issuer, clientId);
    if (!platform) throw new Error(`platform not registered: ${issuer} ${clientId}`);
    return platform;
  }

  /** Whether Silta accepts launches from this deployment (ltijs only checks that one is present). */
  async hasDeployment(issuer: string, clientId: string, deploymentId: string): Promise<boolean> {
    const key = `${issuer}\n${clientId}\n${deploymentId}`;
    const at = this.deployments.get(key);
    if (at && Date.now() - at < CACHE_MS) return true;
    const found = await Deployment.count({ where: { issuer, clientId, deploymentId } });
    if (found) this.deployments.set(key, Date.now());
    return found > 0;
  }

  async list(): Promise<(PlatformConfig & { deploymentIds: string[] })[]> {
    const platforms = await this.lti.getAllPlatforms();
    const metas = await PlatformMeta.findAll();
    const deployments = await Deployment.findAll();
    const result = [];
    for (const platform of platforms) {
      const issuer = await platform.platformUrl();
      const clientId = await platform.platformClientId();
      const meta = metas.find((m) => m.issuer === issuer && m.clientId === clientId) ?? null;
      result.push({
        ...(await describe(platform, meta)),
        deploymentIds: deployments
          .filter((d) => d.issuer === issuer && d.clientId === clientId)
          .map((d) => d.deploymentId),
      });
    }
    return result;
  }

  /** Origins of every registered platform: who may frame Silta and receive deep-linking responses. */
  async allowedOrigins(): Promise<string[]> {
    if (this.origins && Date.now() - this.origins.at < CACHE_MS) return this.origins.value;
    const metas = await PlatformMeta.findAll({ attributes: ['origins'] });
    const value = [...new Set(metas.flatMap((m) => JSON.parse(m.origins) as string[]))];
    this.origins = { value, at: Date.now() };
    return value;
  }

  /** Drops cached configuration, e.g. after a registration changed. */
  forget(): void {
    this.platforms.clear();
    this.deployments.clear();
    this.origins = undefined;
  }
}

/** A row of ltijs's `platforms` table (ltijs-sequelize's columns; written only through ltijs). */
type PlatformRow = {
  platformName: string;
  platformUrl: string;
  clientId: string;
  authEndpoint: string;
  accesstokenEndpoint: string;
  kid: string;
  authConfig: unknown;
};

/**
 * Reads the platforms of an issuer (and client id) from the table ltijs keeps them in, through
 * Silta's own connection: a launch then needs neither ltijs nor its second connection pool
 * loaded (about 56 MB of memory and most of a start's CPU, decision 0020). Null when the table
 * cannot be read (ltijs has not made it yet).
 */
async function readPlatformRows(issuer: string, clientId?: string): Promise<PlatformRow[] | null> {
  const where =
    clientId === undefined ? '"platformUrl" = :issuer' : '"platformUrl" = :issuer AND "clientId" = :clientId';
  try {
    return await PlatformMeta.sequelize!.query<PlatformRow>(
      `SELECT "platformName", "platformUrl", "clientId", "authEndpoint", "accesstokenEndpoint", "kid", "authConfig" FROM platforms WHERE ${where}`,
      { replacements: { issuer, clientId: clientId ?? null }, type: QueryTypes.SELECT },
    );
  } catch {
    return null;
  }
}

function describeRow(row: PlatformRow, meta: PlatformMeta | null): PlatformConfig {
  // JSON on PostgreSQL, text on SQLite.
  const authConfig = (typeof row.authConfig === 'string' ? JSON.parse(row.authConfig) : row.authConfig) as {
    key: string;
  };
  return withOrigins(
    {
      issuer: row.platformUrl,
      clientId: row.clientId,
      name: row.platformName,
      authEndpoint: row.authEndpoint,
      tokenEndpoint: row.accesstokenEndpoint,
      jwksUrl: authConfig.key,
      kid: row.kid,
    },
    meta,
  );
}

function withOrigins(
  platform: Omit<PlatformConfig, 'origins' | 'registeredBy'>,
  meta: PlatformMeta | null,
): PlatformConfig {
  const origins = meta
    ? (JSON.parse(meta.origins) as string[])
    : [originOf(platform.authEndpoint), originOf(platform.issuer)].filter((o): o is string => !!o);
  return { ...platform, origins, registeredBy: meta?.registeredBy ?? 'manual' };
}

async function describe(platform: LtijsPlatform, meta: PlatformMeta | null): Promise<PlatformConfig> {
  const authConfig = await platform.platformAuthConfig();
  const authEndpoint = await platform.platformAuthEndpoint();
  const issuer = await platform.platformUrl();
  return {
    issuer,
    clientId: await platform.platformClientId(),
    name: await platform.platformName(),
    authEndpoint,
    tokenEndpoint: await platform.platformAccessTokenEndpoint(),
    jwksUrl: authConfig.key,
    kid: await platform.platformKid(),
    origins: meta
      ? (JSON.parse(meta.origins) as string[])
      : [originOf(authEndpoint), originOf(issuer)].filter((o): o is string => !!o),
    registeredBy: meta?.registeredBy ?? 'manual',
  };
}
