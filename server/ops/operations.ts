import type { Sequelize } from 'sequelize';
import { unsentCounts } from '../domain/grades/grade-outbox.service';
import { platformDeliveries } from '../domain/grades/platform-health.service';
import { scheduleRetention } from '../domain/privacy/retention';
import type { Env } from '../env';
import type { Logger } from '../logger';
import type { Realtime } from '../sockets/io';
import { setMetricSources } from './metrics';

/**
 * The background side of operations: where the metrics read the store, and the daily retention
 * run when RETENTION_MONTHS is set (not under NODE_ENV=test, where tests call it themselves).
 */
export function startOperations(props: { env: Env; sequelize: Sequelize; logger: Logger }): { stop(): void } {
  setMetricSources({ outbox: unsentCounts, gradePlatforms: platformDeliveries, logger: props.logger });
  const { retentionMonths, nodeEnv } = props.env;
  const retention =
    retentionMonths > 0 && nodeEnv !== 'test'
      ? scheduleRetention({
          sequelize: props.sequelize,
          months: retentionMonths,
          logger: props.logger.child({ component: 'retention' }),
        })
      : undefined;
  return { stop: () => retention?.stop() };
}

/** Lets the sockets gauge count this instance's Socket.IO connections. */
export function watchSockets(realtime: Realtime): void {
  setMetricSources({ sockets: () => realtime.io.engine.clientsCount });
}
