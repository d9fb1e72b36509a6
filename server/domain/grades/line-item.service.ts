import { UniqueConstraintError } from 'sequelize';
import { SCOPE } from '../../../lti/claims';
import { findOrCreateLineItem } from '../../../lti/grades';
import type { ServiceClient } from '../../../lti/service-client';
import { SiltaError } from '../../errors';
import { LineItem, ResourceLink } from '../../store/models';

export type LineItemTarget = {
  issuer: string;
  clientId: string;
  /** Silta's resource link row id. */
  resourceLinkId: number;
  /** Used when the line item has to be created. */
  scoreMaximum: number;
  /** The AGS claim as it was when the score was queued; the link's latest launch wins. */
  lineItemUrl?: string | null;
  lineitemsUrl?: string | null;
};

function scopesOf(link: ResourceLink): string[] {
  try {
    const scopes = JSON.parse(link.agsScopes ?? '[]') as unknown;
    return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

/** Records the link's line item (one per link); a concurrent insert by another instance is fine. */
async function remember(resourceLinkId: number, url: string, scoreMaximum: number): Promise<void> {
  const existing = await LineItem.findOne({ where: { resourceLinkId } });
  if (existing) {
    if (existing.url !== url) await existing.update({ url });
    return;
  }
  try {
    await LineItem.create({ resourceLinkId, url, scoreMaximum });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
  }
}

/**
 * The URL of the AGS line item that a resource link's scores go to:
 * 1. the `lineitem` of the link's AGS claim (Moodle sends it when exactly one line item is bound
 *    to the link, e.g. one made by deep linking): the platform's latest word, so it comes first;
 * 2. the line item Silta stored for the link earlier (`line_items`);
 * 3. otherwise the link's line item found, or created (label = link title), on the claim's
 *    `lineitems` URL by resource link id.
 * The answer is stored in `line_items`, so later scores skip the lookup. Throws SiltaError
 * `no_grade_service` when the platform gave no AGS endpoint or no score scope for the link:
 * retrying cannot help until the platform's settings change.
 */
export async function resolveLineItem(client: ServiceClient, target: LineItemTarget): Promise<string> {
  const link = await ResourceLink.findByPk(target.resourceLinkId);
  if (!link) throw new SiltaError('grade_target_missing', 'not_found', `resource link ${target.resourceLinkId}`);
  const scopes = scopesOf(link);
  if (!scopes.includes(SCOPE.score))
    throw new SiltaError('no_grade_service', 'unavailable', `link ${link.id}: no score scope`);

  const claimed = link.agsLineitem ?? target.lineItemUrl ?? null;
  if (claimed) {
    await remember(link.id, claimed, target.scoreMaximum);
    return claimed;
  }
  const stored = await LineItem.findOne({ where: { resourceLinkId: link.id } });
  if (stored) return stored.url;

  const lineitemsUrl = link.agsLineitems ?? target.lineitemsUrl ?? null;
  if (!lineitemsUrl || !scopes.includes(SCOPE.lineItem))
    throw new SiltaError('no_grade_service', 'unavailable', `link ${link.id}: no line item and no way to create one`);
  const item = await findOrCreateLineItem(client, {
    issuer: target.issuer,
    clientId: target.clientId,
    lineitemsUrl,
    resourceLinkId: link.ltiResourceLinkId,
    label: link.title || link.ltiResourceLinkId,
    scoreMaximum: target.scoreMaximum,
  });
  await remember(link.id, item.id, target.scoreMaximum);
  return item.id;
}
