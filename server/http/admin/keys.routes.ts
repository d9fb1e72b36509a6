import { Router, type Request, type Response } from 'express';
import {
  DEFAULT_OVERLAP_HOURS,
  MAX_OVERLAP_HOURS,
  purgeRetiredKeys,
  retiredKeys,
  rotateToolKeys,
} from '../../../lti/key-rotation';
import { findPlatform, listPlatforms } from '../../domain/admin/platform-admin.service';
import { noticeQuery, rotateForm } from '../../domain/admin/admin.schema';
import type { AdminDeps } from './admin.routes';
import { formatTime, noticeOf } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { adminFields, adminFormErrors } from './admin-form-errors';
import { SiltaError, validationErrorOf } from '../../errors';
import { translator } from '../../i18n';

const FIELD_LABELS = { overlapHours: 'admin.keys.overlap_hours' };

/** Signing keys: each platform's current kid, the previous keys still published, and rotation. */
export function keyRoutes(deps: AdminDeps): Router {
  const router = Router();
  // The page, also re-rendered by a refused rotation with the summary, the field's message and the typed value.
  const keysPage = async (
    req: Request,
    res: Response,
    refused?: { values: Record<string, unknown>; error: SiltaError },
  ) => {
    const query = refused ? {} : parseInput(noticeQuery, req.query);
    const lang = langOf(res);
    const form = refused ? adminFormErrors(refused.error, FIELD_LABELS, translator(lang)) : undefined;
    await purgeRetiredKeys(deps.lti);
    const platforms = await listPlatforms(deps.registry);
    const nameOf = (issuer: string, clientId: string) =>
      platforms.find((p) => p.issuer === issuer && p.clientId === clientId)?.name ?? issuer;
    const retired = (await retiredKeys()).map((k) => ({
      kid: k.kid,
      platform: nameOf(k.issuer, k.clientId),
      removeAfter: formatTime(k.removeAfter, lang),
    }));
    renderAdmin(
      req,
      res,
      'keys',
      'admin.keys.title',
      {
        keysUrl: `${deps.env.publicUrl}/lti/keys`,
        platforms,
        retired,
        overlap: { value: DEFAULT_OVERLAP_HOURS, max: MAX_OVERLAP_HOURS },
        fields: adminFields(
          ['overlapHours'],
          refused?.values ?? { overlapHours: String(DEFAULT_OVERLAP_HOURS) },
          form?.errors,
        ),
        errors: form?.errors,
        notice: noticeOf(query, lang, { rotated: 'admin.keys.rotated' }),
      },
      form?.status,
    );
  };
  router.get(
    '/keys',
    handle((req, res) => keysPage(req, res)),
  );
  router.post(
    '/keys/rotate',
    handle(async (req, res) => {
      const parsed = rotateForm.safeParse(req.body);
      if (!parsed.success) {
        await keysPage(req, res, {
          values: req.body as Record<string, unknown>,
          error: validationErrorOf(parsed.error.issues),
        });
        return;
      }
      const { overlapHours, platformId } = parsed.data;
      let only;
      try {
        only = platformId === undefined ? undefined : await findPlatform(deps.registry, platformId);
      } catch (error) {
        // A platform removed meanwhile (or a forged id): the page again, saying so, rather than an error page.
        if (!(error instanceof SiltaError)) throw error;
        await keysPage(req, res, { values: req.body as Record<string, unknown>, error });
        return;
      }
      const rotated = await rotateToolKeys({
        lti: deps.lti,
        registry: deps.registry,
        secretKey: deps.env.secretKey,
        overlapHours,
        only,
      });
      req.log.info({ platforms: rotated.length, overlapHours }, 'tool keys rotated in the admin console');
      res.redirect(303, `/admin/keys?done=rotated&count=${rotated.length}`);
    }),
  );
  return router;
}
