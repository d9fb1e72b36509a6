import http from 'node:http';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { languageLinks, translator } from '../../server/i18n';
import { SCOPE } from '../claims';
import { SCORE_FAILURES, type DevPlatform, type LineItem } from './dev-platform';
import type { Answer } from './dev-platform-gradebook';
import { COURSE_MEMBERS } from './demo-learners';
import { scoresPage } from './dev-platform-scores.presenter';

const MEDIA = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
  scoreContainer: 'application/vnd.ims.lis.v1.scorecontainer+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
  memberships: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
};
const HANG_MS = 120_000;

const queryText = z.string().max(200).optional();
const listQuery = z
  .object({
    resource_id: queryText,
    resource_link_id: queryText,
    lti_link_id: queryText,
    tag: queryText,
    limit: queryText,
    from: queryText,
  })
  .partial();
const membershipQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  from: z.coerce.number().int().min(0).optional(),
  page: z.coerce.number().int().min(1).optional(),
  role: queryText,
});
const pageQuery = z.object({ course: z.string().max(32).optional() });

const mediaType = (value: string | undefined) => (value ?? '').split(';')[0].trim().toLowerCase();

/** Moodle's error body: `{ status, reason, request }`, with the reason also in the status line. */
function send(req: Request, res: Response, answer: Answer, contentType?: string): void {
  const reason = answer.reason ?? http.STATUS_CODES[answer.status] ?? '';
  res.statusMessage = reason;
  res.status(answer.status);
  if (answer.link) res.setHeader('Link', answer.link);
  if (answer.body !== undefined) {
    res.type(contentType && answer.status < 300 ? contentType : 'application/json').send(JSON.stringify(answer.body));
    return;
  }
  if (answer.status >= 400) {
    res.type('application/json').send(
      JSON.stringify({
        status: answer.status,
        reason,
        request: {
          method: req.method,
          url: req.originalUrl,
          ...(req.get('accept') ? { accept: req.get('accept') } : {}),
          ...(req.get('content-type') ? { contentType: mediaType(req.get('content-type')) } : {}),
        },
      }),
    );
    return;
  }
  res.end();
}

/**
 * The development platform's LTI Advantage services, mounted under `/dev/platform`: the OAuth2
 * token endpoint, AGS (line items, scores, results) and NRPS (memberships), answering like
 * Moodle 4.x, and `/scores`, a page showing the grades that arrived.
 */
export function devPlatformServiceRoutes(platform: DevPlatform): Router {
  const router = Router();
  const { auth, gradebook } = platform;
  const form = express.urlencoded({ extended: false, limit: '20kb' });
  const json = express.json({ type: () => true, limit: '100kb', strict: false });

  router.post('/token', form, async (req, res) => {
    if (simulateFailure(req, res, 'token')) return;
    if (mediaType(req.get('content-type')) !== 'application/x-www-form-urlencoded') {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const answer = await auth.issueToken((req.body ?? {}) as Record<string, unknown>);
    res.status(answer.status).set('Cache-Control', 'no-store').json(answer.body);
  });

  // Simulated failures come first: a platform in trouble answers before it checks anything.
  router.use('/api', (req, res, next) => {
    if (simulateFailure(req, res, 'services')) return;
    if (auth.latencyMs > 0) setTimeout(next, auth.latencyMs);
    else next();
  });

  const requireScope =
    (...anyOf: string[]) =>
    (req: Request, res: Response, next: NextFunction) => {
      if (!auth.allows(req.get('authorization'), anyOf)) send(req, res, { status: 401 });
      else if (!platform.course(String(req.params.courseId)))
        send(req, res, { status: 404, reason: `Not Found: Course ${req.params.courseId} doesn't exist` });
      else next();
    };
  const withItem =
    (handler: (req: Request, res: Response, item: LineItem) => void) => (req: Request, res: Response) => {
      const item = gradebook.item(String(req.params.courseId), String(req.params.itemId));
      if (!item) send(req, res, { status: 404, reason: `Not Found: Grade item ${req.params.itemId} doesn't exist` });
      else handler(req, res, item);
    };

  router.get('/api/contexts/:courseId/lineitems', requireScope(SCOPE.lineItem, SCOPE.lineItemReadonly), (req, res) => {
    // Moodle answers 400 unless Accept is absent or exactly the container type.
    const accept = req.get('accept');
    const query = listQuery.safeParse(req.query);
    if ((accept && accept !== MEDIA.lineItemContainer) || !query.success)
      return send(req, res, { status: 400, reason: 'No context or unsupported content type' });
    send(req, res, gradebook.list(String(req.params.courseId), query.data), MEDIA.lineItemContainer);
  });

  router.post('/api/contexts/:courseId/lineitems', requireScope(SCOPE.lineItem), json, (req, res) => {
    if (mediaType(req.get('content-type')) !== MEDIA.lineItem)
      return send(req, res, { status: 400, reason: 'No context or unsupported content type' });
    send(req, res, gradebook.create(String(req.params.courseId), asObject(req.body)), MEDIA.lineItem);
  });

  router.get(
    '/api/contexts/:courseId/lineitems/:itemId/lineitem',
    requireScope(SCOPE.lineItem, SCOPE.lineItemReadonly),
    withItem((req, res, item) => send(req, res, { status: 200, body: gradebook.toJson(item) }, MEDIA.lineItem)),
  );

  router.put(
    '/api/contexts/:courseId/lineitems/:itemId/lineitem',
    requireScope(SCOPE.lineItem),
    json,
    withItem((req, res, item) => send(req, res, gradebook.update(item, asObject(req.body)), MEDIA.lineItem)),
  );

  router.post(
    '/api/contexts/:courseId/lineitems/:itemId/lineitem/scores',
    requireScope(SCOPE.score),
    json,
    withItem((req, res, item) => {
      // Moodle's scores.php treats a call without type_id as LTI 2 and refuses an LTI 1.3 tool.
      if (req.query.type_id === undefined) return send(req, res, { status: 403 });
      const type = mediaType(req.get('content-type'));
      if (type !== MEDIA.score) return send(req, res, { status: 400, body: [] });
      // The failure switch on the scores page.
      if (platform.scoreFailure === 'refuse') return send(req, res, { status: 400, body: [] });
      if (platform.scoreFailure === '500') return send(req, res, { status: 500 });
      if (platform.scoreFailure === '429') {
        res.setHeader('Retry-After', '30');
        return send(req, res, { status: 429 });
      }
      send(req, res, gradebook.postScore(item, req.body), MEDIA.score);
    }),
  );

  router.get(
    '/api/contexts/:courseId/lineitems/:itemId/lineitem/results',
    requireScope(SCOPE.resultReadonly),
    withItem((req, res, item) =>
      send(
        req,
        res,
        gradebook.results(item, typeof req.query.user_id === 'string' ? req.query.user_id : undefined),
        MEDIA.resultContainer,
      ),
    ),
  );

  router.get('/api/contexts/:courseId/memberships', requireScope(SCOPE.memberships), (req, res) => {
    const query = membershipQuery.safeParse(req.query);
    if (!query.success) return send(req, res, { status: 400 });
    const course = platform.course(String(req.params.courseId))!;
    const { limit, role } = query.data;
    const from = query.data.from ?? ((query.data.page ?? 1) - 1) * limit;
    const members = COURSE_MEMBERS.filter((m) => !role || m.nrpsRoles.includes(role.replace(/^.*#/, '')));
    const endpoint = `${platform.issuer}/api/contexts/${course.id}/memberships`;
    const next =
      from + limit < members.length
        ? `${endpoint}?limit=${limit}&from=${from + limit}${role ? `&role=${encodeURIComponent(role)}` : ''}`
        : undefined;
    send(
      req,
      res,
      {
        status: 200,
        link: next && `<${next}>; rel="next"`,
        body: {
          id: endpoint,
          context: { id: course.id, label: course.label, title: course.title },
          members: members.slice(from, from + limit).map((m) => ({
            status: 'Active',
            roles: m.nrpsRoles,
            user_id: m.sub,
            lis_person_sourcedid: '',
            name: `${m.givenName} ${m.familyName}`,
            given_name: m.givenName,
            family_name: m.familyName,
            email: m.email,
          })),
        },
      },
      MEDIA.memberships,
    );
  });

  router.get('/scores', (req, res) => {
    const lang = res.locals.lang;
    const t = translator(lang);
    const query = pageQuery.safeParse(req.query);
    const course = query.success && query.data.course ? platform.course(query.data.course) : undefined;
    res.render('dev-platform/scores', {
      lang,
      title: t('dev_scores.title'),
      failureModes: SCORE_FAILURES.map((m) => ({
        value: m,
        label: t(`dev_failures.${m}`),
        selected: m === platform.scoreFailure,
      })),
      failureSaved: req.query.failure === 'saved',
      languages: languageLinks(lang, (l) => `?lang=${l}${course ? `&course=${course.id}` : ''}`),
      ...scoresPage(platform, lang, t, course?.id),
    });
  });

  router.post('/scores/failure', form, (req, res) => {
    const parsed = z
      .object({ mode: z.enum(SCORE_FAILURES), lang: z.enum(['fi', 'sv', 'en']).optional() })
      .safeParse(req.body);
    if (!parsed.success) return void res.status(400).type('text').send('mode must be one of none, refuse, 500, 429');
    platform.scoreFailure = parsed.data.mode;
    res.redirect(303, `/dev/platform/scores?lang=${parsed.data.lang ?? 'fi'}&failure=saved`);
  });

  // Bodies that do not parse get Moodle's 400, not Silta's error page.
  router.use('/api', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string })?.type?.startsWith('entity.')) send(req, res, { status: 400 });
    else next(error);
  });

  function simulateFailure(req: Request, res: Response, target: 'services' | 'token'): boolean {
    const failure = auth.takeFailure(target);
    if (!failure) return false;
    if (failure.hang) {
      // Never answer; the socket is dropped after a while so nothing leaks.
      setTimeout(() => res.destroy(), HANG_MS).unref();
      return true;
    }
    if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter));
    send(req, res, { status: failure.status ?? 500 });
    return true;
  }
  return router;
}

function asObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
