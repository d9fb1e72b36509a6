import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { LtijsDatabase, LtijsProvider } from 'ltijs';
import { Op } from 'sequelize';
import { RetiredToolKey } from '../server/store/admin-models';
import { inTransaction } from '../server/store/transaction';
import type { PlatformRegistry } from './platforms';

/** The parts of ltijs-sequelize's Database a rotation needs besides those in types/ltijs.d.ts. */
type KeyDatabase = LtijsDatabase & {
  Insert(
    key: string | false,
    table: string,
    item: Record<string, unknown>,
    index?: Record<string, unknown>,
  ): Promise<boolean>;
  Modify(
    key: string | false,
    table: string,
    info: Record<string, unknown>,
    modification: Record<string, unknown>,
  ): Promise<boolean>;
};

const generateKeyPair = promisify(crypto.generateKeyPair);

/** Longest overlap an admin may choose: a month. */
export const MAX_OVERLAP_HOURS = 720;
export const DEFAULT_OVERLAP_HOURS = 48;

export type RotatedKey = { issuer: string; clientId: string; previousKid: string; kid: string };

/**
 * Gives every registered platform (or one) a new tool key pair, the way ltijs makes one at registration
 * (RSA 4096, a random kid, encrypted with SECRET_KEY in ltijs's key tables), and points the
 * platform at it, so ltijs signs deep-linking responses and service token assertions with the new
 * key from now on. The previous keys stay in ltijs's tables, so its JWKS (/lti/keys) publishes
 * both, until `overlapHours` have passed (purgeRetiredKeys removes them).
 */
export async function rotateToolKeys(props: {
  lti: LtijsProvider;
  registry: PlatformRegistry;
  secretKey: string;
  overlapHours: number;
  /** One platform only; every registered platform without it. */
  only?: { issuer: string; clientId: string };
  now?: Date;
}): Promise<RotatedKey[]> {
  const db = props.lti.Database as KeyDatabase;
  const now = props.now ?? new Date();
  const rotated: RotatedKey[] = [];
  const platforms = (await props.registry.list()).filter(
    (p) => !props.only || (p.issuer === props.only.issuer && p.clientId === props.only.clientId),
  );
  for (const platform of platforms) {
    const { publicKey, privateKey } = await generateKeyPair('rsa', {
      modulusLength: 4096,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const kid = crypto.randomBytes(16).toString('hex');
    const index = { kid, platformUrl: platform.issuer, clientId: platform.clientId };
    await db.Insert(props.secretKey, 'publickey', { key: publicKey, kid }, index);
    await db.Insert(props.secretKey, 'privatekey', { key: privateKey, kid }, index);
    // Recorded before the switch: a crash in between leaves a key that is purged, never one kept forever.
    const retired = {
      kid: platform.kid,
      issuer: platform.issuer,
      clientId: platform.clientId,
      replacedBy: kid,
      retiredAt: now,
      removeAfter: new Date(now.getTime() + props.overlapHours * 3600_000),
    };
    await inTransaction(RetiredToolKey.sequelize!, (transaction) => RetiredToolKey.create(retired, { transaction }));
    await db.Modify(false, 'platform', { platformUrl: platform.issuer, clientId: platform.clientId }, { kid });
    // Access tokens were granted on the old key's assertion; the next service call asks anew.
    await db.Delete('accesstoken', { platformUrl: platform.issuer, clientId: platform.clientId });
    rotated.push({ issuer: platform.issuer, clientId: platform.clientId, previousKid: platform.kid, kid });
  }
  props.registry.forget();
  return rotated;
}

/** Previous keys still published, oldest first. */
export async function retiredKeys(): Promise<RetiredToolKey[]> {
  return RetiredToolKey.findAll({
    order: [
      ['retiredAt', 'ASC'],
      ['kid', 'ASC'],
    ],
  });
}

/** Removes the previous keys whose overlap has ended, from ltijs's tables and from the JWKS. */
export async function purgeRetiredKeys(lti: LtijsProvider, now: Date = new Date()): Promise<number> {
  const due = await RetiredToolKey.findAll({ where: { removeAfter: { [Op.lte]: now } } });
  for (const key of due) await forgetKey(lti, key.kid);
  return due.length;
}

/** Deletes one key pair from ltijs's tables and its retirement record. */
async function forgetKey(lti: LtijsProvider, kid: string): Promise<void> {
  await lti.Database.Delete('publickey', { kid });
  await lti.Database.Delete('privatekey', { kid });
  await inTransaction(RetiredToolKey.sequelize!, (transaction) =>
    RetiredToolKey.destroy({ where: { kid }, transaction }),
  );
}

/** Removes a platform's previous keys at once (the platform itself was removed). */
export async function forgetRetiredKeysOf(lti: LtijsProvider, issuer: string, clientId: string): Promise<void> {
  for (const key of await RetiredToolKey.findAll({ where: { issuer, clientId } })) await forgetKey(lti, key.kid);
}
