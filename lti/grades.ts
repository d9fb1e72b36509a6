import { z } from 'zod';
import { SCOPE } from './claims';
import { nextLink, ServiceClient, withQuery, type ServiceTarget } from './service-client';

/** Every AGS scope in one token, so line-item and score calls share one cached access token. */
export const AGS_SCOPES = [SCOPE.lineItem, SCOPE.lineItemReadonly, SCOPE.resultReadonly, SCOPE.score] as const;

export const AGS_MEDIA = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
} as const;

// Moodle sends '' for an absent resourceId or tag; those become undefined.
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

const lineItemSchema = z
  .object({
    id: z.string().url(),
    label: z.string(),
    scoreMaximum: z.coerce.number(),
    resourceLinkId: optionalText,
    resourceId: optionalText,
    tag: optionalText,
  })
  // Absent and empty fields look the same whichever call returned the line item.
  .transform((item) => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as typeof item);

/** A gradebook column on the platform; `id` is its URL. */
export type LineItem = z.infer<typeof lineItemSchema>;

const resultSchema = z.object({
  id: z.string().optional(),
  userId: z.union([z.string(), z.number()]).transform(String),
  resultScore: z.number().nullish(),
  resultMaximum: z.number().nullish(),
  comment: z.string().nullish(),
  timestamp: z.string().nullish(),
});

/** A user's result as the platform holds it. */
export type LineItemResult = z.infer<typeof resultSchema>;

export type ActivityProgress = 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
export type GradingProgress = 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';

/** A score as AGS defines it. Moodle empties the grade it holds unless gradingProgress is FullyGraded. */
export type Score = {
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: ActivityProgress;
  gradingProgress: GradingProgress;
  /** When the score was earned; the platform refuses one not newer than the one it holds (409). */
  timestamp: string | Date;
  comment?: string;
};

const MAX_PAGES = 100;

const target = (input: ServiceTarget): ServiceTarget => ({ issuer: input.issuer, clientId: input.clientId });

/**
 * The score service URL of a line item: `/scores` goes on the path, before the query, so
 * Moodle's `.../lineitems/3/lineitem?type_id=1` becomes `.../lineitems/3/lineitem/scores?type_id=1`.
 */
export function scoresUrl(lineItemUrl: string): string {
  return serviceUrl(lineItemUrl, 'scores');
}

/** The result service URL of a line item (same rule as scoresUrl). */
export function resultsUrl(lineItemUrl: string): string {
  return serviceUrl(lineItemUrl, 'results');
}

function serviceUrl(lineItemUrl: string, name: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${name}`;
  url.hash = '';
  return url.toString();
}

export type FindOrCreateLineItem = ServiceTarget & {
  /** The `lineitems` URL of the launch's AGS claim. */
  lineitemsUrl: string;
  resourceLinkId: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  tag?: string;
};

const creating = new Map<string, Promise<LineItem>>();

/**
 * The line item of a resource link (matching resourceId and tag when given), created when the
 * platform has none. Concurrent calls for the same link in this process share one request, so
 * a link does not get two columns; callers should keep the returned `id` and reuse it.
 */
export function findOrCreateLineItem(client: ServiceClient, input: FindOrCreateLineItem): Promise<LineItem> {
  const key = JSON.stringify([
    input.issuer,
    input.clientId,
    input.lineitemsUrl,
    input.resourceLinkId,
    input.resourceId ?? null,
    input.tag ?? null,
  ]);
  let pending = creating.get(key);
  if (!pending) {
    pending = (async () => {
      const found = await findLineItem(client, input);
      return found ?? (await createLineItem(client, input));
    })().finally(() => creating.delete(key));
    creating.set(key, pending);
  }
  return pending;
}

/** The first line item of a resource link (and resourceId/tag when given), following pages. */
export async function findLineItem(
  client: ServiceClient,
  input: Omit<FindOrCreateLineItem, 'label' | 'scoreMaximum'>,
): Promise<LineItem | undefined> {
  const items = await listLineItems(client, {
    ...input,
    filter: { resource_link_id: input.resourceLinkId, resource_id: input.resourceId, tag: input.tag },
  });
  // Filter again: a platform may ignore the query filters.
  return items.find(
    (item) =>
      item.resourceLinkId === input.resourceLinkId &&
      (input.resourceId === undefined || item.resourceId === input.resourceId) &&
      (input.tag === undefined || item.tag === input.tag),
  );
}

/** Every line item of the context (optionally filtered by the platform), across pages. */
export async function listLineItems(
  client: ServiceClient,
  input: ServiceTarget & { lineitemsUrl: string; filter?: Record<string, string | undefined> },
): Promise<LineItem[]> {
  const items: LineItem[] = [];
  let url: string | undefined = withQuery(input.lineitemsUrl, input.filter ?? {});
  const seen = new Set<string>();
  while (url && !seen.has(url) && seen.size < MAX_PAGES) {
    seen.add(url);
    const page = await client.json(
      { ...target(input), scopes: AGS_SCOPES, method: 'GET', url, accept: AGS_MEDIA.lineItemContainer },
      z.array(lineItemSchema),
    );
    items.push(...page.body);
    url = nextLink(page.headers.get('link'), url);
  }
  return items;
}

/** Creates a line item bound to a resource link. */
export async function createLineItem(client: ServiceClient, input: FindOrCreateLineItem): Promise<LineItem> {
  const body = {
    label: input.label,
    scoreMaximum: input.scoreMaximum,
    resourceLinkId: input.resourceLinkId,
    ...(input.resourceId ? { resourceId: input.resourceId } : {}),
    ...(input.tag ? { tag: input.tag } : {}),
  };
  const response = await client.json(
    {
      ...target(input),
      scopes: AGS_SCOPES,
      method: 'POST',
      url: input.lineitemsUrl,
      accept: AGS_MEDIA.lineItem,
      contentType: AGS_MEDIA.lineItem,
      body,
    },
    lineItemSchema,
  );
  return response.body;
}

/** Reads one line item by its URL. */
export async function getLineItem(
  client: ServiceClient,
  input: ServiceTarget & { lineItemUrl: string },
): Promise<LineItem> {
  const response = await client.json(
    { ...target(input), scopes: AGS_SCOPES, method: 'GET', url: input.lineItemUrl, accept: AGS_MEDIA.lineItem },
    lineItemSchema,
  );
  return response.body;
}

/**
 * Sends a score to a line item. Resolves when the platform accepted it; otherwise throws a
 * PlatformServiceError (409 platform_conflict when the platform holds a newer timestamp, 400
 * platform_rejected for example for a user who is not a gradable member of the course).
 */
export async function postScore(
  client: ServiceClient,
  input: ServiceTarget & { lineItemUrl: string; score: Score },
): Promise<void> {
  const { score } = input;
  const body = {
    userId: score.userId,
    ...(score.scoreGiven !== undefined ? { scoreGiven: score.scoreGiven } : {}),
    ...(score.scoreMaximum !== undefined ? { scoreMaximum: score.scoreMaximum } : {}),
    activityProgress: score.activityProgress,
    gradingProgress: score.gradingProgress,
    timestamp: typeof score.timestamp === 'string' ? score.timestamp : score.timestamp.toISOString(),
    ...(score.comment ? { comment: score.comment } : {}),
  };
  await client.request({
    ...target(input),
    scopes: AGS_SCOPES,
    method: 'POST',
    url: scoresUrl(input.lineItemUrl),
    contentType: AGS_MEDIA.score,
    body,
  });
}

/** The results the platform holds for a line item (optionally one user's). */
export async function getResults(
  client: ServiceClient,
  input: ServiceTarget & { lineItemUrl: string; userId?: string },
): Promise<LineItemResult[]> {
  const results: LineItemResult[] = [];
  let url: string | undefined = withQuery(resultsUrl(input.lineItemUrl), { user_id: input.userId });
  const seen = new Set<string>();
  while (url && !seen.has(url) && seen.size < MAX_PAGES) {
    seen.add(url);
    const page = await client.json(
      { ...target(input), scopes: AGS_SCOPES, method: 'GET', url, accept: AGS_MEDIA.resultContainer },
      z.array(resultSchema),
    );
    results.push(...page.body);
    url = nextLink(page.headers.get('link'), url);
  }
  return results;
}
