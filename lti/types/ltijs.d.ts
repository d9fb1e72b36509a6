// The parts of ltijs and ltijs-sequelize Silta uses; neither package ships types.
declare module 'ltijs' {
  import type { Express } from 'express';
  export interface LtijsPlatform {
    platformName(): Promise<string>;
    platformUrl(): Promise<string>;
    platformClientId(): Promise<string>;
    platformKid(): Promise<string>;
    platformAuthEndpoint(): Promise<string>;
    platformAccessTokenEndpoint(): Promise<string>;
    platformAuthorizationServer(): Promise<string>;
    platformAuthConfig(): Promise<{ method: string; key: string }>;
    platformPrivateKey(): Promise<string>;
    platformPublicKey(): Promise<string>;
    platformAccessToken(
      scopes: string,
    ): Promise<{ access_token: string; token_type: string; expires_in: number; scope?: string }>;
    platformActive(active?: boolean): Promise<boolean>;
  }
  export interface PlatformRegistration {
    url: string;
    name: string;
    clientId: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authorizationServer?: string;
    authConfig: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
  }
  export interface LtijsDatabase {
    Get(key: string | false, table: string, info?: Record<string, unknown>): Promise<Record<string, unknown>[] | false>;
    Delete(table: string, info: Record<string, unknown>): Promise<boolean>;
    Close(): Promise<boolean>;
  }
  export interface LtijsProvider {
    app: Express;
    Database: LtijsDatabase;
    DeepLinking: {
      createDeepLinkingMessage(
        idtoken: unknown,
        contentItems: unknown[],
        options?: { message?: string; log?: string; errMessage?: string; errLog?: string },
      ): Promise<string>;
    };
    setup(key: string, database: { plugin: unknown }, options: Record<string, unknown>): LtijsProvider;
    deploy(options: { serverless: boolean; silent: boolean }): Promise<boolean>;
    close(options?: { silent: boolean }): Promise<boolean>;
    registerPlatform(platform: PlatformRegistration): Promise<LtijsPlatform>;
    getPlatform(url: string, clientId: string): Promise<LtijsPlatform | false>;
    getPlatform(url: string): Promise<LtijsPlatform[] | false>;
    getAllPlatforms(): Promise<LtijsPlatform[]>;
    deletePlatform(url: string, clientId: string): Promise<boolean>;
  }
  export const Provider: LtijsProvider;
}

declare module 'ltijs-sequelize' {
  export default class Database {
    constructor(database: string, user: string, pass: string, options: Record<string, unknown>);
  }
}
