import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { startNewModule } from '../../domain/modules/authoring/module-drafts.service';
import { uploadPack } from '../../domain/modules/authoring/pack-upload.service';
import { writePackZip } from '../../domain/modules/authoring/pack-zip';
import { placeProblem } from '../../domain/modules/authoring/problem-place';
import { KEBAB_CASE } from '../../domain/modules/content-pack.schema';
import {
  currentVersionOf,
  listVersions,
  PackProblemsError,
  rollbackTo,
  sourceOf,
} from '../../domain/modules/versions/module-versions.service';
import { diffSources } from '../../domain/modules/versions/version-diff';
import { httpStatusOf, SiltaError } from '../../errors';
import { LANGUAGES, translator } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { formatTime } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { uploadedFile } from './pack-upload-body';
import { currentAdmin } from './require-admin';
import { ModuleDraft } from '../../store/module-version-models';
import { adminFormErrors } from './admin-form-errors';

const slugParam = z.object({ slug: z.string().max(100).regex(KEBAB_CASE) });
const versionText = z
  .string()
  .max(32)
  .regex(/^[0-9A-Za-z.+-]+$/);
const diffQuery = z.object({ from: versionText, to: versionText });
const rollbackForm = z.object({ version: versionText });
const newModuleForm = z.object({ slug: z.string().trim().min(1).max(100).regex(KEBAB_CASE) });

/** A rejected upload or import, for the page: the message and, for a pack with problems, each one by place. */
export function rejection(error: unknown, res: Response) {
  if (!(error instanceof SiltaError)) throw error;
  const t = translator(langOf(res));
  const problems =
    error instanceof PackProblemsError ? error.problems.map((p) => ({ ...placeProblem(p, t), file: p.file })) : [];
  return { status: httpStatusOf(error), error: { message: t(`errors.${error.code}`, error.params), problems } };
}

/**
 * Content: the published modules (the database, shared by every instance), uploading a pack zip,
 * each module's history with a diff between two versions, rollback, and the export of a version
 * as a pack zip (docs/decisions/0018).
 */
export function contentRoutes(deps: AdminDeps): Router {
  const router = Router();

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const lang = langOf(res);
    const packs = [...(await deps.modules.currentAll()).values()].map((pack) => ({
      slug: pack.slug,
      title: pack.title[lang],
      version: pack.version,
      steps: pack.steps.length,
      graded: pack.steps.filter((s) => s.counts).length,
      languages: LANGUAGES.join(', '),
    }));
    // A new module exists only as a draft until its first publication: listed apart so it can be found again.
    const newDrafts = (
      await ModuleDraft.findAll({
        where: { baseVersion: '0.0.0' },
        attributes: ['moduleSlug'],
        order: [['moduleSlug', 'ASC']],
      })
    ).map((d) => d.moduleSlug);
    renderAdmin(req, res, 'content', 'admin.content.title', { packs, newDrafts, ...extra }, status);
  };

  router.get(
    '/content',
    handle(async (req, res) =>
      listPage(req, res, {
        notice: req.query.published
          ? translator(langOf(res))('module_authoring.upload.published', {
              slug: String(req.query.published).slice(0, 100),
            })
          : undefined,
      }),
    ),
  );

  router.post(
    '/content/upload',
    handle(async (req, res) => {
      const file = uploadedFile(res);
      try {
        if (!file || !file.name) throw new SiltaError('pack_upload_missing', 'bad_request');
        if (file.tooLarge) throw new SiltaError('pack_upload_too_large', 'too_large', undefined, { max: 50 });
        const { pack } = await uploadPack({
          sequelize: deps.sequelize,
          zip: file.data,
          publishedBy: currentAdmin(res).username,
        });
        req.log.info({ slug: pack.slug, version: pack.version }, 'module pack uploaded');
        res.redirect(303, `/admin/content?published=${encodeURIComponent(pack.slug)}`);
      } catch (error) {
        const { status, error: uploadError } = rejection(error, res);
        req.log.info({ code: (error as SiltaError).code }, 'module pack upload refused');
        await listPage(req, res, { uploadError }, status);
      }
    }),
  );

  // A new module starts as a draft (docs/decisions/0024); the editor takes over from there.
  router.post(
    '/content/new',
    handle(async (req, res) => {
      try {
        const { slug } = parseInput(newModuleForm, req.body);
        await startNewModule({ sequelize: deps.sequelize, slug, updatedBy: currentAdmin(res).username });
        res.redirect(303, `/admin/content/${slug}/edit`);
      } catch (error) {
        const t = translator(langOf(res));
        const { errors, status } = adminFormErrors(error, { slug: 'module_authoring.new.label' }, t);
        const newError = errors.fields.slug ?? errors.summary[0]?.text;
        const summary = [{ href: '#new-slug', text: newError ?? '' }];
        await listPage(
          req,
          res,
          {
            newSlug: typeof req.body?.slug === 'string' ? req.body.slug.slice(0, 100) : '',
            newError,
            errors: { summary, fields: { slug: newError } },
          },
          status,
        );
      }
    }),
  );

  router.get(
    '/content/:slug',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const pack = await deps.modules.current(slug);
      if (!pack) throw new SiltaError('module_not_found', 'not_found', slug);
      const lang = langOf(res);
      const versions = (await listVersions(slug)).map((v) => ({
        version: v.version,
        origin: translator(lang)(`module_authoring.origin.${v.origin}`, { version: v.copiedFrom ?? '' }),
        publishedBy: v.publishedBy,
        publishedAt: formatTime(v.publishedAt, lang),
        current: v.version === pack.version,
      }));
      renderAdmin(req, res, 'content-module', 'module_authoring.module.title', {
        slug,
        moduleTitle: pack.title[lang],
        version: pack.version,
        versions,
        canDiff: versions.length > 1,
        diffFrom: versions[1]?.version,
        diffTo: versions[0]?.version,
        notice:
          typeof req.query.notice === 'string' && /^[a-z_]{1,40}$/.test(req.query.notice)
            ? translator(lang)(`module_authoring.notice.${req.query.notice}`)
            : undefined,
      });
    }),
  );

  router.get(
    '/content/:slug/diff',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const { from, to } = parseInput(diffQuery, req.query);
      const files = diffSources(await sourceOf(slug, from), await sourceOf(slug, to));
      renderAdmin(req, res, 'content-diff', 'module_authoring.diff.title', {
        slug,
        from,
        to,
        files,
        unchanged: files.length === 0,
      });
    }),
  );

  router.post(
    '/content/:slug/rollback',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const { version } = parseInput(rollbackForm, req.body);
      const pack = await rollbackTo({
        sequelize: deps.sequelize,
        slug,
        version,
        publishedBy: currentAdmin(res).username,
      });
      req.log.info({ slug, from: version, version: pack.version }, 'module rolled back');
      res.redirect(303, `/admin/content/${slug}?notice=rolled_back`);
    }),
  );

  router.get(
    '/content/:slug/export',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const version =
        req.query.version === undefined ? await currentVersionOf(slug) : parseInput(versionText, req.query.version);
      const zip = writePackZip(slug, await sourceOf(slug, version));
      res
        .status(200)
        .type('application/zip')
        .set('Content-Disposition', `attachment; filename="${slug}-${version}.zip"`)
        .send(Buffer.from(zip));
    }),
  );
  return router;
}
