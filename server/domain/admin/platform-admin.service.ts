import type { LtijsProvider } from 'ltijs';
import { Op, type Sequelize } from 'sequelize';
import { removeRegistration } from '../../../lti/platform-removal';
import type { PlatformConfig, PlatformRegistry } from '../../../lti/platforms';
import { SiltaError } from '../../errors';
import { Deployment, GradeOutbox, PlatformMeta, RegistrationInvite } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import type { DeploymentInput, PlatformEditInput, PlatformInput } from './admin.schema';

export type AdminPlatform = PlatformConfig & { id: number; deploymentIds: string[] };

/** Every registered platform with its deployments and the id the console names it by. */
export async function listPlatforms(registry: PlatformRegistry): Promise<AdminPlatform[]> {
  const metas = await PlatformMeta.findAll();
  return (await registry.list()).flatMap((platform) => {
    const meta = metas.find((m) => m.issuer === platform.issuer && m.clientId === platform.clientId);
    return meta ? [{ ...platform, id: meta.id }] : [];
  });
}

/** One platform by its console id; an unknown id is `admin_platform_not_found` (404). */
export async function findPlatform(registry: PlatformRegistry, id: number): Promise<AdminPlatform> {
  const found = (await listPlatforms(registry)).find((p) => p.id === id);
  if (!found) throw new SiltaError('admin_platform_not_found', 'not_found', String(id));
  return found;
}

/** Registers a platform by hand; an issuer and client id registered already is `admin_platform_exists`. */
export async function addPlatform(registry: PlatformRegistry, input: PlatformInput): Promise<AdminPlatform> {
  if (await registry.find(input.issuer, input.clientId))
    throw new SiltaError('admin_platform_exists', 'conflict', `${input.issuer} ${input.clientId}`);
  const { issuer, clientId, name, deploymentIds } = input;
  await registry.register({
    issuer,
    clientId,
    name,
    deploymentIds,
    authEndpoint: input.authUrl,
    tokenEndpoint: input.tokenUrl,
    jwksUrl: input.jwksUrl,
    registeredBy: 'manual',
  });
  const meta = await PlatformMeta.findOne({ where: { issuer: input.issuer, clientId: input.clientId } });
  return findPlatform(registry, meta!.id);
}

/** Changes a platform's name and endpoints; its issuer, client id and deployments stay. */
export async function editPlatform(registry: PlatformRegistry, id: number, input: PlatformEditInput): Promise<void> {
  const platform = await findPlatform(registry, id);
  await registry.register({
    issuer: platform.issuer,
    clientId: platform.clientId,
    name: input.name,
    authEndpoint: input.authUrl,
    tokenEndpoint: input.tokenUrl,
    jwksUrl: input.jwksUrl,
    deploymentIds: [],
    registeredBy: platform.registeredBy as 'dynamic' | 'manual' | 'dev',
  });
}

/** Accepts launches from one more deployment of the platform. */
export async function addDeployment(registry: PlatformRegistry, id: number, input: DeploymentInput): Promise<void> {
  const platform = await findPlatform(registry, id);
  await registry.addDeployment(platform.issuer, platform.clientId, input.deploymentId);
  registry.forget();
}

/** Stops accepting launches from a deployment; an unknown one is `admin_deployment_not_found`. */
export async function removeDeployment(props: {
  sequelize: Sequelize;
  registry: PlatformRegistry;
  id: number;
  deploymentId: string;
}): Promise<void> {
  const platform = await findPlatform(props.registry, props.id);
  const removed = await inTransaction(props.sequelize, (transaction) =>
    Deployment.destroy({
      where: { issuer: platform.issuer, clientId: platform.clientId, deploymentId: props.deploymentId },
      transaction,
    }),
  );
  if (!removed) throw new SiltaError('admin_deployment_not_found', 'not_found', props.deploymentId);
  props.registry.forget();
}

/** Grades of a platform that have not reached it: pending, or failed and waiting for "send again". */
export function undeliveredGrades(platform: { issuer: string; clientId: string }): Promise<number> {
  return GradeOutbox.count({
    where: { issuer: platform.issuer, clientId: platform.clientId, status: { [Op.in]: ['pending', 'failed'] } },
  });
}

/**
 * Removes a platform. The admin must have confirmed (`admin_confirmation_required` otherwise);
 * its undelivered grades stay in the outbox untouched.
 */
export async function removePlatform(props: {
  lti: LtijsProvider;
  registry: PlatformRegistry;
  id: number;
  confirmed: boolean;
}): Promise<AdminPlatform> {
  const platform = await findPlatform(props.registry, props.id);
  if (!props.confirmed) throw new SiltaError('admin_confirmation_required', 'bad_request', platform.issuer);
  await removeRegistration({
    lti: props.lti,
    registry: props.registry,
    issuer: platform.issuer,
    clientId: platform.clientId,
  });
  return platform;
}

/** Registration URLs not used yet and not expired, newest first. */
export function openInvites(now: Date = new Date()): Promise<RegistrationInvite[]> {
  return RegistrationInvite.findAll({ where: { usedAt: null, expiresAt: { [Op.gt]: now } }, order: [['id', 'DESC']] });
}

/** Revokes an unused registration URL; a used, revoked or unknown one is `admin_invite_not_found`. */
export async function revokeInvite(sequelize: Sequelize, id: number): Promise<void> {
  const removed = await inTransaction(sequelize, (transaction) =>
    RegistrationInvite.destroy({ where: { id, usedAt: null }, transaction }),
  );
  if (!removed) throw new SiltaError('admin_invite_not_found', 'not_found', String(id));
}
