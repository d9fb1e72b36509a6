import express, { Router } from 'express';
import { z } from 'zod';
import { languageLinks, translator, type Language } from '../../server/i18n';
import { formErrorsOf, fromMessages, type FieldSpec, type FormErrors } from '../../server/http/forms/form-errors';
import { extendCsp } from '../../server/http/security';
import type { DevPlatform } from './dev-platform';
import { devPlatformServiceRoutes } from './dev-platform-services.routes';
import { devRegistrationRoutes } from './dev-registration.routes';
import { COURSES, DEMO_REGIONS, LOCALES, PERSONAS } from './personas';

const launchSchema = z.object({
  persona: z.enum(['trainee', 'developer', 'teacher', 'admin']),
  courseId: z.string().max(32),
  locale: z.enum(LOCALES),
  messageType: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']),
  resourceLinkId: z.string().max(32).optional(),
  region: z.union([z.enum(DEMO_REGIONS), z.literal('')]).optional(),
  window: z.enum(['iframe', 'window']).default('iframe'),
});

/** What a placed link opens, as the page names it; links without a target open the front page. */
function linkKind(target: string | undefined): 'module' | 'board' | 'session' | 'landing' {
  return target === 'module' || target === 'board' || target === 'session' ? target : 'landing';
}

/**
 * A placed activity's kind (in the page's language) and its title in the course (placed in Finnish),
 * the title left out when it says no more than the kind (the board's default title).
 */
function activityLabel(link: { title: string; custom: Record<string, string> }, t: (key: string) => string) {
  const key = `dev_demo.kind.${linkKind(link.custom.target)}`;
  const named = !!link.custom.target && link.title !== translator('fi')(key);
  return { kind: t(key), title: named ? link.title : undefined };
}

/** The development platform's pages and endpoints, mounted at `/dev/platform`. */
export function devPlatformRoutes(platform: DevPlatform): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '100kb' });
  const toolOrigin = new URL(platform.toolUrl).origin;
  router.use(extendCsp('frame-src', toolOrigin), extendCsp('form-action', toolOrigin));
  router.use(devPlatformServiceRoutes(platform));
  router.use('/registration', devRegistrationRoutes(platform));

  /** The page's view model; a refused launch shows it again with the error summary and the choices kept. */
  const indexModel = (lang: Language, courseId: string, errors?: FormErrors) => {
    const t = translator(lang);
    return {
      lang,
      title: t('dev.title'),
      languages: languageLinks(lang, (l) => `?lang=${l}`),
      personas: PERSONAS.map((p) => ({
        key: p.key,
        label: t(`dev.persona.${p.key}`),
        name: `${p.givenName} ${p.familyName}`,
      })),
      courses: COURSES.map((c) => ({ ...c, selected: c.id === courseId })),
      links: platform
        .linksOf(courseId)
        .map((l, i) => ({ ...l, label: activityLabel(l, t), graded: !!l.lineItemId, checked: i === 0 })),
      // The demo activities are there (DEMO_DATA): tell a newcomer what to launch first.
      hasActivities: platform.linksOf(courseId).some((l) => l.custom.target),
      courseId,
      regions: DEMO_REGIONS,
      locales: LOCALES.map((l) => ({ code: l, selected: l === (lang === 'sv' ? 'sv' : lang) })),
      errors,
    };
  };

  router.get('/', (req, res) => {
    const courseId =
      typeof req.query.course === 'string' && platform.course(req.query.course) ? req.query.course : COURSES[0].id;
    res.render('dev-platform/index', indexModel(res.locals.lang, courseId));
  });

  // Like Moodle's launch page: the tool opens in an iframe (or a new window) that posts the login initiation.
  router.post('/launch', form, (req, res) => {
    const lang = res.locals.lang;
    const parsed = launchSchema.safeParse(req.body);
    if (!parsed.success || !platform.course(parsed.data.courseId)) {
      // Only a forged or stale form gets here (every field is a choice): the page again, naming the field.
      const t = translator(lang);
      const specs: Record<string, FieldSpec> = {
        persona: { id: 'persona', label: t('dev.persona_label') },
        courseId: { id: 'courseId', label: t('dev.course_label') },
        resourceLinkId: { id: 'main', label: t('dev.link_label') },
        region: { id: 'region', label: t('dev.region_label') },
        locale: { id: 'locale', label: t('dev.locale_label') },
      };
      const errors = parsed.success
        ? fromMessages({ courseId: t('forms.choose', { field: specs.courseId.label }) }, specs)
        : formErrorsOf(parsed.error.issues, specs, t);
      res.status(400).render('dev-platform/index', indexModel(lang, COURSES[0].id, errors));
      return;
    }
    const { window, region, ...request } = parsed.data;
    const login = platform.startLaunch({ ...request, region: region || undefined });
    res.render('dev-platform/launch', {
      lang,
      title: translator(lang)('dev.launch_title'),
      loginUrl: platform.loginUrl,
      login: Object.entries(login).map(([name, value]) => ({ name, value })),
      newWindow: window === 'window',
    });
  });

  router.all('/auth', form, async (req, res) => {
    const result = await platform.authorize({
      ...(req.query as Record<string, unknown>),
      ...((req.body as Record<string, unknown>) ?? {}),
    });
    if ('error' in result) {
      res.status(400).json({ error: result.error });
      return;
    }
    res.render('dev-platform/post', {
      layout: false,
      lang: res.locals.lang,
      action: result.redirectUri,
      fields: Object.entries(result.fields)
        .filter(([, v]) => v !== undefined)
        .map(([name, value]) => ({ name, value })),
    });
  });

  router.get('/jwks', (_req, res) => {
    res.json(platform.jwks());
  });

  router.post('/deep-link-return', form, async (req, res) => {
    const lang = res.locals.lang;
    const t = translator(lang);
    const courseId = String(req.query.course ?? '');
    try {
      const placed = await platform.acceptDeepLinkingResponse(
        String((req.body as Record<string, unknown>).JWT ?? ''),
        courseId,
      );
      res.render('dev-platform/placed', {
        lang,
        title: t('dev.placed_title'),
        placed: placed.map((p) => ({ ...p, graded: !!p.lineItemId })),
        courseId,
      });
    } catch (error) {
      res.status(400).render('dev-platform/placed', {
        lang,
        title: t('dev.placed_title'),
        error: (error as Error).message,
        courseId,
      });
    }
  });
  return router;
}
