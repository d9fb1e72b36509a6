import { Router } from 'express';
import { LANGUAGES } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { handle, langOf, renderAdmin } from './admin-page';

/**
 * Content: the module packs loaded at boot. A pack that fails validation stops the start
 * (loadContentPacks), so every pack here is valid; the page says so rather than re-checking.
 */
export function contentRoutes(deps: AdminDeps): Router {
  const router = Router();
  router.get('/content', handle(async (req, res) => {
    const lang = langOf(res);
    const packs = [...(await deps.modules.currentAll()).values()]
      .map((pack) => ({ slug: pack.slug, title: pack.title[lang], version: pack.version, steps: pack.steps.length, graded: pack.steps.filter((s) => s.counts).length, languages: LANGUAGES.join(', ') }))
      .sort((a, b) => a.slug.localeCompare(b.slug));
    renderAdmin(req, res, 'content', 'admin.content.title', { packs });
  }));
  return router;
}
