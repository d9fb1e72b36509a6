import type { Sequelize } from 'sequelize';
import type { DevPlatform } from '../../../lti/dev-platform/dev-platform';
import type { ModulePack } from '../modules/content-pack';
import { placeDemoActivities } from './demo-course';
import { seedDemoBoard, type DemoSeedResult } from './demo-seed.service';

/**
 * A first run that leads somewhere: the development platform's courses get one activity of each
 * kind and its board a few practices, an adoption and a comment. Safe to run at every start.
 */
export async function seedDemo(props: {
  sequelize: Sequelize;
  devPlatform: DevPlatform;
  packs: ReadonlyMap<string, ModulePack>;
  boardKey?: string;
}): Promise<DemoSeedResult> {
  const { devPlatform } = props;
  placeDemoActivities(devPlatform, props.packs, props.boardKey);
  const platform = {
    issuer: devPlatform.issuer,
    clientId: devPlatform.clientId,
    deploymentId: devPlatform.deploymentId,
  };
  return seedDemoBoard({ sequelize: props.sequelize, platform, boardKey: props.boardKey });
}
