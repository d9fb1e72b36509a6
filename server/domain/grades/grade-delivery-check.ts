import { getResults } from '../../../lti/grades';
import type { ServiceClient } from '../../../lti/service-client';
import type { GradeOutbox } from '../../store/models';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Whether the platform holds this very score: its result for the user carries the row's
 * timestamp (Moodle keeps whole seconds). Asked only when a resend got 409 after an earlier
 * claim on the row ended without an outcome (its process died, perhaps after the platform's
 * 200). False when the platform holds a different score or cannot be asked: the row then stays
 * an honest `conflict`.
 */
export async function grantedAlready(
  client: ServiceClient,
  row: GradeOutbox,
  target: { sub?: string; lineItemUrl?: string },
): Promise<boolean> {
  if (!target.sub || !target.lineItemUrl) return false;
  try {
    const results = await getResults(client, {
      issuer: row.issuer,
      clientId: row.clientId,
      lineItemUrl: target.lineItemUrl,
      userId: target.sub,
    });
    const mine = seconds(row.scoreTimestamp);
    return results.some(
      (r) => r.userId === target.sub && typeof r.timestamp === 'string' && seconds(r.timestamp) === mine,
    );
  } catch {
    return false;
  }
}
