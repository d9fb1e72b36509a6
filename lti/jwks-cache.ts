import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/**
 * One remote key set per platform JWKS URL. jose keeps the keys in memory and fetches them again
 * only when a token names a `kid` it does not know (at most once per cooldown), so a launch does
 * not wait for the platform's JWKS.
 */
export class JwksCache {
  private sets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly options: { cooldownMs?: number; timeoutMs?: number } = {}) {}

  keySet(url: string): JWTVerifyGetKey {
    let set = this.sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), {
        cooldownDuration: this.options.cooldownMs ?? 30_000,
        timeoutDuration: this.options.timeoutMs ?? 5_000,
        cacheMaxAge: 24 * 3600_000,
      });
      this.sets.set(url, set);
    }
    return set;
  }
}
