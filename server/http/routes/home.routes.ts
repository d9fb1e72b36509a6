import { Router } from 'express';
import { languageLinks, translator } from '../../i18n';

/** `/`: what Silta is, for someone who opens it outside Moodle. */
export function homeRoutes(options: { devPlatform: boolean }): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const lang = res.locals.lang;
    res.render('pages/index', {
      lang,
      title: translator(lang)('index.title'),
      devPlatform: options.devPlatform,
      languages: languageLinks(lang, (l) => `/?lang=${l}`),
    });
  });
  return router;
}
