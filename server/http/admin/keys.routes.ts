import { Router } from 'express';
import { DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS, purgeRetiredKeys, retiredKeys, rotateToolKeys } from '../../../lti/key-rotation';
import { findPlatform, listPlatforms } from '../../domain/admin/platform-admin.service';
import { noticeQuery, rotateForm } from '../../domain/admin/admin.schema';
import type { AdminDeps } from './admin.routes';
import { formatTime, noticeOf } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';

/** Signing keys: each platform's current kid, the previous keys still published, and rotation. */
export function keyRoutes(deps: AdminDeps): Router {
  const router = Router();
  router.get(
    '/keys',
    handle(async (req, res) => {
      const query = parseInput(noticeQuery, req.query);
      const lang = langOf(res);
      await purgeRetiredKeys(deps.lti);
      const platforms = await listPlatforms(deps.registry);
      const nameOf = (issuer: string, clientId: string) => platforms.find((p) => p.issuer === issuer && p.clientId === clientId)?.name ?? issuer;
      const retired = (await retiredKeys()).map((k) => ({ kid: k.kid, platform: nameOf(k.issuer, k.clientId), removeAfter: formatTime(k.removeAfter, lang) }));
      renderAdmin(req, res, 'keys', 'admin.keys.title', {
        keysUrl: `${deps.env.publicUrl}/lti/keys`,
        platforms,
        retired,
        overlap: { value: DEFAULT_OVERLAP_HOURS, max: MAX_OVERLAP_HOURS },
        notice: noticeOf(query, lang, { rotated: 'admin.keys.rotated' }),
      });
    }),
  );
  router.post(
    '/keys/rotate',
    handle(async (req, res) => {
      const { overlapHours, platformId } = parseInput(rotateForm, req.body);
      const only = platformId === undefined ? undefined : await findPlatform(deps.registry, platformId);
      const rotated = await rotateToolKeys({ lti: deps.lti, registry: deps.registry, secretKey: deps.env.secretKey, overlapHours, only });
      req.log.info({ platforms: rotated.length, overlapHours }, 'tool keys rotated in the admin console');
      res.redirect(303, `/admin/keys?done=rotated&count=${rotated.length}`);
    }),
  );
  return router;
}
