import type { DevPlatform, LineItem } from './dev-platform';
import { isGradable } from './demo-learners';

/** A user's grade for a line item, as the simulator keeps it. */
export type StoredScore = {
  userId: string;
  /** Null when the last score was not FullyGraded: Moodle empties the grade then. */
  scoreGiven: number | null;
  scoreMaximum: number;
  /** scoreGiven rescaled to the line item's maximum, as Moodle's gradebook shows it. */
  grade: number | null;
  activityProgress: string;
  gradingProgress: string;
  /** The timestamp of the last score received. */
  timestamp: string;
  comment?: string;
  /** Moodle's grade `timemodified` in seconds: set by a graded score, empty otherwise. */
  gradedAt: number | null;
};

/** What an AGS endpoint answers: the router turns it into an HTTP response. */
export type Answer = { status: number; reason?: string; body?: unknown; link?: string };

export const TYPE_ID = '1';
// Moodle 4.x writes the rel values of the line-item Link header with typographic quotes, sent as
// UTF-8 bytes; the header is latin1 on the wire, so the bytes go in one char each.
const LQ = Buffer.from('\u201c', 'utf8').toString('latin1');
const RQ = Buffer.from('\u201d', 'utf8').toString('latin1');
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

type Json = Record<string, unknown>;
const isNumeric = (v: unknown) =>
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * The development platform's gradebook, behaving like Moodle 4.x's gradebookservices: line items
 * of a course, scores with Moodle's rules (required fields, gradable users only, no older
 * timestamps, only FullyGraded keeps a grade) and results. Kept in memory.
 */
export class DevPlatformGradebook {
  /** Line item id → user id → score. */
  readonly scores = new Map<string, Map<string, StoredScore>>();
  /** Users graded besides the course's learners: bench:grades enrols a thousand. */
  readonly extraLearners = new Set<string>();

  constructor(private readonly platform: DevPlatform) {}

  lineItemsUrl(courseId: string): string {
    return `${this.platform.issuer}/api/contexts/${courseId}/lineitems`;
  }

  lineItemUrl(item: LineItem): string {
    return `${this.lineItemsUrl(item.courseId)}/${item.id}/lineitem`;
  }

  /** A line item as Moodle's item_for_json writes it. */
  toJson(item: LineItem): Json {
    return {
      id: `${this.lineItemUrl(item)}?type_id=${TYPE_ID}`,
      label: item.label,
      scoreMaximum: item.scoreMaximum,
      resourceId: item.resourceId ?? '',
      tag: item.tag ?? '',
      ...(item.resourceLinkId ? { resourceLinkId: item.resourceLinkId, ltiLinkId: item.resourceLinkId } : {}),
    };
  }

  itemsOf(courseId: string): LineItem[] {
    return [...this.platform.lineItems.values()]
      .filter((i) => i.courseId === courseId)
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  item(courseId: string, itemId: string): LineItem | undefined {
    const item = this.platform.lineItems.get(itemId);
    return item?.courseId === courseId ? item : undefined;
  }

  /** GET lineitems: filters resource_id, resource_link_id (or lti_link_id), tag; paging with limit and from. */
  list(courseId: string, query: Record<string, string | undefined>): Answer {
    const linkId = query.resource_link_id ?? query.lti_link_id;
    const items = this.itemsOf(courseId).filter(
      (i) =>
        (query.tag === undefined || (i.tag ?? '') === query.tag) &&
        (linkId === undefined || i.resourceLinkId === linkId) &&
        (query.resource_id === undefined || (i.resourceId ?? '') === query.resource_id),
    );
    const limit = Math.max(0, Number.parseInt(query.limit ?? '0', 10) || 0);
    if (!limit) return { status: 200, body: items.map((i) => this.toJson(i)) };
    const from = Math.max(0, Number.parseInt(query.from ?? '0', 10) || 0);
    const base = new URL(this.lineItemsUrl(courseId));
    for (const [key, value] of Object.entries({
      resource_id: query.resource_id,
      resource_link_id: linkId,
      tag: query.tag,
      type_id: TYPE_ID,
      limit: String(limit),
    }))
      if (value !== undefined) base.searchParams.set(key, value);
    const page = (n: number) => {
      const url = new URL(base);
      url.searchParams.set('from', String(n));
      return url.toString();
    };
    const links = [`<${page(0)}>; rel=${LQ}first${RQ}`, `<${page(from)}>; rel=${LQ}canonical${RQ}`];
    if (from + limit < items.length) links.push(`<${page(from + limit)}>; rel=${LQ}next${RQ}`);
    return { status: 200, body: items.slice(from, from + limit).map((i) => this.toJson(i)), link: links.join(', ') };
  }

  /** POST lineitems: label and numeric scoreMaximum required; a resourceLinkId must be a link of the course. */
  create(courseId: string, body: Json): Answer {
    if (typeof body.label !== 'string' || !isNumeric(body.scoreMaximum))
      return { status: 400, reason: 'No label or Score Maximum' };
    const linkId = text(body.resourceLinkId) ?? text(body.ltiLinkId);
    if (linkId !== undefined && this.platform.links.get(linkId)?.courseId !== courseId) return { status: 403 };
    const item = this.platform.addLineItem({
      courseId,
      label: body.label,
      scoreMaximum: Number(body.scoreMaximum),
      resourceLinkId: linkId,
      resourceId: text(body.resourceId) || undefined,
      tag: text(body.tag) || undefined,
    });
    if (linkId) this.relink(linkId);
    return { status: 201, body: { ...body, id: `${this.lineItemUrl(item)}?type_id=${TYPE_ID}` } };
  }

  /** PUT lineitem: replaces label, maximum (rescaling grades), resourceId, tag and link. */
  update(item: LineItem, body: Json): Answer {
    if (typeof body.label !== 'string' || !isNumeric(body.scoreMaximum)) return { status: 400 };
    const linkId = text(body.resourceLinkId) ?? text(body.ltiLinkId);
    if (linkId !== undefined && !/^\d+$/.test(linkId)) return { status: 400 };
    if (linkId !== undefined && this.platform.links.get(linkId)?.courseId !== item.courseId) return { status: 403 };
    const oldMax = item.scoreMaximum;
    const previousLink = item.resourceLinkId;
    Object.assign(item, {
      label: body.label,
      scoreMaximum: Number(body.scoreMaximum),
      resourceId: text(body.resourceId) || undefined,
      tag: text(body.tag) || undefined,
      ...(linkId ? { resourceLinkId: linkId } : {}),
    });
    if (oldMax !== item.scoreMaximum && oldMax > 0) {
      for (const score of this.scores.get(item.id)?.values() ?? [])
        if (score.grade !== null) score.grade = (score.grade * item.scoreMaximum) / oldMax;
    }
    if (previousLink) this.relink(previousLink);
    if (linkId) this.relink(linkId);
    return { status: 200, body: { ...body, id: `${this.lineItemUrl(item)}?type_id=${TYPE_ID}` } };
  }

  /** POST scores, with the checks and effects of Moodle's scores.php and save_grade_item. */
  postScore(item: LineItem, body: unknown): Answer {
    const score = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Json;
    const userId = text(score.userId);
    const timestamp =
      typeof score.timestamp === 'string' && ISO_8601.test(score.timestamp) ? Date.parse(score.timestamp) : Number.NaN;
    if (
      userId === undefined ||
      Number.isNaN(timestamp) ||
      typeof score.gradingProgress !== 'string' ||
      typeof score.activityProgress !== 'string' ||
      (score.scoreGiven !== undefined && score.scoreGiven !== null && !isNumeric(score.scoreGiven)) ||
      (score.scoreMaximum !== undefined && score.scoreMaximum !== null && !isNumeric(score.scoreMaximum)) ||
      !(isGradable(userId) || this.extraLearners.has(userId))
    ) {
      return { status: 400, reason: 'Incorrect score received', body: [] };
    }
    const seconds = Math.floor(timestamp / 1000);
    const byUser = this.scores.get(item.id) ?? new Map<string, StoredScore>();
    const previous = byUser.get(userId);
    // Moodle compares whole seconds: a score must be strictly newer than the graded one.
    if (previous?.gradedAt != null && previous.gradedAt >= seconds) {
      return {
        status: 409,
        reason: `Refusing score with an earlier timestamp for item ${item.id} and user ${userId}`,
        body: [],
      };
    }
    const scoreMaximum = isNumeric(score.scoreMaximum) ? Number(score.scoreMaximum) : 1;
    const scoreGiven =
      score.gradingProgress === 'FullyGraded' && isNumeric(score.scoreGiven) ? Number(score.scoreGiven) : null;
    const grade =
      scoreGiven === null
        ? null
        : scoreMaximum !== 0 && scoreMaximum !== item.scoreMaximum
          ? (scoreGiven * item.scoreMaximum) / scoreMaximum
          : scoreGiven;
    const comment = typeof score.comment === 'string' && score.comment ? score.comment : undefined;
    byUser.set(userId, {
      userId,
      scoreGiven,
      scoreMaximum,
      grade,
      activityProgress: score.activityProgress,
      gradingProgress: score.gradingProgress,
      timestamp: score.timestamp as string,
      comment,
      gradedAt: scoreGiven !== null ? seconds : comment ? Math.floor(Date.now() / 1000) : null,
    });
    this.scores.set(item.id, byUser);
    return { status: 200, body: [] };
  }

  /** GET results: one result per user with a score, as Moodle's result_for_json. */
  results(item: LineItem, userId?: string): Answer {
    const url = this.lineItemUrl(item);
    const rows = [...(this.scores.get(item.id)?.values() ?? [])].filter(
      (s) => userId === undefined || s.userId === userId,
    );
    return {
      status: 200,
      body: rows.map((s) => ({
        id: `${url}/results?type_id=${TYPE_ID}&user_id=${s.userId}`,
        userId: s.userId,
        ...(s.grade !== null
          ? {
              resultScore: s.grade,
              resultMaximum: item.scoreMaximum,
              ...(s.comment ? { comment: s.comment } : {}),
              scoreOf: `${url}?type_id=${TYPE_ID}`,
              timestamp: new Date((s.gradedAt ?? 0) * 1000).toISOString(),
            }
          : {}),
      })),
    };
  }

  /** The score a user has for a line item, if any. */
  scoreOf(itemId: string, userId: string): StoredScore | undefined {
    return this.scores.get(itemId)?.get(userId);
  }

  /** Like Moodle's launch: a link's `lineitem` claim is set only when exactly one line item is bound to it. */
  private relink(linkId: string): void {
    const link = this.platform.links.get(linkId);
    if (!link) return;
    const bound = [...this.platform.lineItems.values()].filter((i) => i.resourceLinkId === linkId);
    link.lineItemId = bound.length === 1 ? bound[0].id : undefined;
  }
}
