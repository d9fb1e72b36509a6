import type { LtijsProvider } from 'ltijs';
import { Deployment, PlatformMeta } from '../server/store/models';
import { inTransaction } from '../server/store/transaction';
import { forgetRetiredKeysOf } from './key-rotation';
import type { PlatformRegistry } from './platforms';

/**
 * Removes a platform registration: ltijs's platform and its current key pair, the previous keys
 * of a rotation, Silta's deployments and platform metadata. Nothing else: its users, courses,
 * progress and grade outbox rows stay, so registering it again picks up where it was.
 */
export async function removeRegistration(props: {
  lti: LtijsProvider;
  registry: PlatformRegistry;
  issuer: string;
  clientId: string;
}): Promise<void> {
  const { issuer, clientId } = props;
  await props.lti.deletePlatform(issuer, clientId);
  await forgetRetiredKeysOf(props.lti, issuer, clientId);
  await inTransaction(PlatformMeta.sequelize!, async (transaction) => {
    await Deployment.destroy({ where: { issuer, clientId }, transaction });
    await PlatformMeta.destroy({ where: { issuer, clientId }, transaction });
  });
  props.registry.forget();
}
