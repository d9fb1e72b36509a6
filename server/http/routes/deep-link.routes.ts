import express, { Router } from 'express';
import type { LtijsProvider } from 'ltijs';
import { signDeepLinkingResponse } from '../../../lti/deep-linking';
import { catalogue, selectionSchema } from '../../domain/catalogue/catalogue';
import type { ModuleLibrary } from '../../domain/modules/versions/module-library';
import { endSession, type Launch } from '../../domain/launches/launch.service';
import { SiltaError, ValidationError } from '../../errors';
import { translator } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';

function requireDeepLinking(launch: Launch) {
  if (launch.messageType !== 'LtiDeepLinkingRequest' || !launch.deepLinking)
    throw new SiltaError('not_deep_linking', 'bad_request');
  if (launch.role === 'learner') throw new SiltaError('forbidden', 'forbidden');
  return launch.deepLinking;
}

/** The deep-linking picker and the signed response posted back to the platform. */
export function deepLinkRoutes(deps: { lti: LtijsProvider; publicUrl: string; modules: ModuleLibrary }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '20kb' });

  router.get('/lti/deep-link', requireLaunch, async (_req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const settings = requireDeepLinking(launch);
      const t = translator(launch.language);
      res.render('pages/deep-link', {
        lang: launch.language,
        title: t('deep_link.title'),
        lt: launch.sessionId,
        course: launch.context.title,
        multiple: settings.acceptMultiple,
        items: catalogue(await deps.modules.currentAll(), launch.language).map((item, index) => ({
          ...item,
          gradable: !!item.scoreMaximum,
          checked: index === 0,
        })),
      });
    } catch (error) {
      next(error);
    }
  });

  router.post('/lti/deep-link', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const settings = requireDeepLinking(launch);
      const parsed = selectionSchema.safeParse(req.body);
      if (!parsed.success)
        throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      const t = translator(launch.language);
      const chosen = settings.acceptMultiple ? parsed.data.items : parsed.data.items.slice(0, 1);
      const offered = catalogue(await deps.modules.currentAll(), launch.language);
      const items = chosen.map((key) => {
        const entry = offered.find((c) => c.key === key);
        if (!entry) throw new SiltaError('catalogue_item_unknown', 'bad_request', key);
        const typed = parsed.data[`title_${key}`];
        const title = (typeof typed === 'string' && typed.trim()) || entry.title;
        return {
          title,
          text: entry.description,
          custom: entry.custom,
          lineItem: entry.scoreMaximum
            ? { scoreMaximum: entry.scoreMaximum, label: title, resourceId: key, tag: 'silta' }
            : undefined,
        };
      });
      const jwt = await signDeepLinkingResponse(
        deps.lti,
        { ...launch.platform, settings },
        `${deps.publicUrl}/lti/launch`,
        items,
        t('deep_link.done_message', { count: items.length }),
      );
      await endSession(launch.sessionId);
      res.render('pages/deep-link-return', {
        lang: launch.language,
        title: t('deep_link.returning'),
        returnUrl: settings.returnUrl,
        jwt,
      });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
