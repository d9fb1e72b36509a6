import express, { Router } from 'express';
import type { LtijsProvider } from 'ltijs';
import { signDeepLinkingResponse } from '../../../lti/deep-linking';
import { CATALOGUE, selectionSchema } from '../../domain/catalogue/catalogue';
import { endSession, type Launch } from '../../domain/launches/launch.service';
import { SiltaError, ValidationError } from '../../errors';
import { translator } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';

function requireDeepLinking(launch: Launch) {
  if (launch.messageType !== 'LtiDeepLinkingRequest' || !launch.deepLinking) throw new SiltaError('not_deep_linking', 'bad_request');
  if (launch.role === 'learner') throw new SiltaError('forbidden', 'forbidden');
  return launch.deepLinking;
}

/** The deep-linking picker and the signed response posted back to the platform. */
export function deepLinkRoutes(deps: { lti: LtijsProvider; publicUrl: string }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '20kb' });

  router.get('/lti/deep-link', requireLaunch, (_req, res) => {
    const launch = currentLaunch(res);
    const settings = requireDeepLinking(launch);
    const t = translator(launch.language);
    res.render('pages/deep-link', {
      lang: launch.language,
      title: t('deep_link.title'),
      lt: launch.sessionId,
      course: launch.context.title,
      multiple: settings.acceptMultiple,
      items: CATALOGUE.map((item, index) => ({ ...item, title: t(item.titleKey), description: t(item.descriptionKey), gradable: !!item.scoreMaximum, checked: index === 0 })),
    });
  });

  router.post('/lti/deep-link', form, requireLaunch, async (req, res, next) => {
    try {
      const launch = currentLaunch(res);
      const settings = requireDeepLinking(launch);
      const parsed = selectionSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      const t = translator(launch.language);
      const chosen = settings.acceptMultiple ? parsed.data.items : parsed.data.items.slice(0, 1);
      const items = chosen.map((kind) => {
        const entry = CATALOGUE.find((c) => c.kind === kind)!;
        const title = parsed.data[`title_${kind}`] || t(entry.titleKey);
        return {
          title,
          text: t(entry.descriptionKey),
          custom: entry.custom,
          lineItem: entry.scoreMaximum ? { scoreMaximum: entry.scoreMaximum, label: title, resourceId: kind, tag: 'silta' } : undefined,
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
      res.render('pages/deep-link-return', { lang: launch.language, title: t('deep_link.returning'), returnUrl: settings.returnUrl, jwt });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
