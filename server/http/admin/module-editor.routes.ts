import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { applyEdits } from '../../domain/modules/authoring/draft-edits';
import { presentDraftEditor } from '../../domain/modules/authoring/draft-editor.presenter';
import { previewStep } from '../../domain/modules/authoring/draft-preview';
import {
  discardDraft,
  draftOf,
  draftProblems,
  publishDraft,
  saveDraft,
  type Draft,
} from '../../domain/modules/authoring/module-drafts.service';
import {
  appendKnowledgeCheck,
  MOODLE_XML_MAX_BYTES,
  readMoodleXml,
  type Skipped,
} from '../../domain/modules/authoring/moodle-import';
import { renderMarkdown, findRawHtml, splitTitle } from '../../domain/modules/markdown';
import { KEBAB_CASE } from '../../domain/modules/content-pack.schema';
import { PackProblemsError } from '../../domain/modules/versions/module-versions.service';
import { SiltaError } from '../../errors';
import { LANGUAGES, languageLinks, translator, type Language } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { formatTime } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { rejection } from './content.routes';
import { uploadedFile } from './pack-upload-body';
import { currentAdmin } from './require-admin';

const slugParam = z.object({ slug: z.string().max(100).regex(KEBAB_CASE) });
const FIELD_NAME = /^(yaml|(t|c|n)\|[A-Za-z0-9.]{1,200}|md\|steps\/(fi|sv|en)\/[a-z0-9-]{1,100}\.md)$/;
/** The editor's form: texts by field name (draft-edits.ts), which button was pressed, the CSRF token. */
const editorForm = z
  .record(z.string().max(260), z.union([z.string().max(200_000), z.array(z.string().max(200_000)).max(20)]))
  .superRefine((body, ctx) => {
    for (const name of Object.keys(body))
      if (name !== '_csrf' && name !== 'action' && !FIELD_NAME.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'unknown field' });
  });
const action = z.enum(['save', 'publish', 'discard']).default('save');
const importForm = z.object({ language: z.enum(LANGUAGES) });
const previewQuery = z
  .object({
    in: z.enum(LANGUAGES).optional(),
    step: z.string().max(100).regex(KEBAB_CASE).optional(),
    check: z.literal('1').optional(),
  })
  .loose();
const markdownForm = z.object({ markdown: z.string().max(200_000) });

const editorFields = (body: Record<string, string | string[]>) =>
  Object.fromEntries(Object.entries(body).filter(([name]) => name !== '_csrf' && name !== 'action'));

/**
 * The module editor (docs/decisions/0024): a module's draft with every text side by side in
 * fi/sv/en and module.yaml as its structure, saved as the author goes, imported Moodle questions,
 * a preview as a trainee in each language, and publishing once the draft validates.
 */
export function moduleEditorRoutes(deps: AdminDeps): Router {
  const router = Router();

  const editorPage = (
    req: Request,
    res: Response,
    draft: Draft,
    extra: Record<string, unknown> = {},
    status = 200,
    typed?: Record<string, string | string[]>,
  ) => {
    const lang = langOf(res);
    const t = translator(lang);
    const { pack, problems } = draftProblems(draft);
    const view = presentDraftEditor(draft, t, problems, typed);
    // The summary takes focus only when the author just asked for something that failed.
    const focusErrors = status >= 400 && view.problems.length > 0;
    renderAdmin(
      req,
      res,
      'content-edit',
      'module_authoring.edit.title',
      {
        module: pack?.title[lang] || draft.slug,
        slug: draft.slug,
        version: draft.baseVersion,
        isNew: draft.baseVersion === '0.0.0',
        draftBy:
          draft.saved && draft.updatedAt
            ? t('module_authoring.edit.draft_by', { at: formatTime(draft.updatedAt, lang), by: draft.updatedBy })
            : null,
        valid: problems.length === 0,
        problemCount: problems.length,
        ...view,
        errors: focusErrors ? view.errors : { summary: [], fields: view.errors.fields },
        previewLinks: pack
          ? LANGUAGES.map((l) => ({
              href: `/admin/content/${draft.slug}/preview?in=${l}`,
              label: t(`module_authoring.language.${l}`),
              lang: l,
            }))
          : [],
        importLanguage: lang,
        languageChoices: LANGUAGES.map((l) => ({
          value: l,
          label: t(`module_authoring.language.${l}`),
          selected: l === lang,
        })),
        ...extra,
      },
      status,
    );
  };

  router.get(
    '/content/:slug/edit',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const notice =
        typeof req.query.notice === 'string' && /^[a-z_]{1,40}$/.test(req.query.notice)
          ? translator(langOf(res))(`module_authoring.notice.${req.query.notice}`)
          : undefined;
      editorPage(req, res, await draftOf(slug), { notice });
    }),
  );

  // Saving (and publishing, and discarding) by a plain form post: works without JavaScript.
  router.post(
    '/content/:slug/edit',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const body = parseInput(editorForm, req.body);
      const pressed = parseInput(action, typeof body.action === 'string' ? body.action : undefined);
      const by = currentAdmin(res).username;
      if (pressed === 'discard') {
        await discardDraft(slug);
        return res.redirect(303, `/admin/content/${slug}?notice=draft_discarded`);
      }
      const draft = await draftOf(slug);
      const saved = await saveDraft({
        sequelize: deps.sequelize,
        slug,
        baseVersion: draft.baseVersion,
        source: applyEdits(draft.source, editorFields(body)),
        updatedBy: by,
      });
      if (pressed === 'save') {
        // The editor's autosave asks for JSON; a plain form post goes back to the page.
        if (req.accepts(['html', 'json']) === 'json') return void res.json({ savedAt: saved.updatedAt });
        return res.redirect(303, `/admin/content/${slug}/edit?notice=draft_saved`);
      }
      try {
        const pack = await publishDraft({ sequelize: deps.sequelize, slug, publishedBy: by });
        req.log.info({ slug, version: pack.version }, 'module draft published');
        res.redirect(303, `/admin/content/${slug}?notice=published`);
      } catch (error) {
        if (!(error instanceof PackProblemsError)) throw error;
        editorPage(req, res, saved, {}, 400);
      }
    }),
  );

  router.post(
    '/content/:slug/import',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const draft = await draftOf(slug);
      const file = uploadedFile(res);
      try {
        const { language } = parseInput(importForm, req.body);
        if (!file || !file.name) throw new SiltaError('pack_upload_missing', 'bad_request');
        if (file.tooLarge || file.data.length > MOODLE_XML_MAX_BYTES)
          throw new SiltaError('moodle_xml_too_large', 'too_large', undefined, {
            max: MOODLE_XML_MAX_BYTES / 1024 / 1024,
          });
        const xml = new TextDecoder('utf-8', { fatal: true }).decode(file.data);
        const { questions, skipped } = readMoodleXml(xml, language);
        const { source } = appendKnowledgeCheck(draft.source, questions);
        const saved = await saveDraft({
          sequelize: deps.sequelize,
          slug,
          baseVersion: draft.baseVersion,
          source,
          updatedBy: currentAdmin(res).username,
        });
        req.log.info({ slug, questions: questions.length, skipped: skipped.length }, 'Moodle questions imported');
        const t = translator(langOf(res));
        editorPage(req, res, saved, {
          notice: t('module_authoring.notice.imported'),
          skipped: skipped.map((s) => skippedText(s, t)),
        });
      } catch (error) {
        const refused =
          error instanceof TypeError
            ? new SiltaError('moodle_xml_invalid', 'bad_request', 'not UTF-8', { reason: 'not UTF-8 text' })
            : error;
        const { status, error: importError } = rejection(refused, res);
        editorPage(req, res, draft, { importError }, status);
      }
    }),
  );

  router.get(
    '/content/:slug/preview',
    handle(async (req, res) => {
      const { slug } = parseInput(slugParam, req.params);
      const query = parseInput(previewQuery, req.query);
      const adminLang = langOf(res);
      const lang: Language = query.in ?? adminLang;
      const draft = await draftOf(slug);
      const { pack } = draftProblems(draft);
      if (!pack)
        return editorPage(
          req,
          res,
          draft,
          { previewError: translator(adminLang)('module_authoring.preview.invalid') },
          409,
        );
      const model = previewStep({
        pack,
        lang,
        stepId: query.step ?? pack.steps[0].id,
        form: req.query as Record<string, unknown>,
        check: query.check === '1',
      });
      const t = translator(lang);
      const href = (step: string | null, l: Language = lang) =>
        step ? `/admin/content/${slug}/preview?in=${l}&step=${step}` : null;
      res.render('admin/content-preview', {
        layout: 'main',
        lang,
        title: t('module_authoring.preview.title', { module: pack.title[lang] }),
        languages: languageLinks(lang, (l) => href(model.step.id, l)!),
        ...model,
        moduleTitle: pack.title[lang],
        slug,
        previousHref: href(model.previous),
        nextHref: href(model.next),
        steps: pack.steps.map((s, i) => ({
          href: href(s.id),
          title: s.content[lang].title || s.id,
          number: i + 1,
          current: s.id === model.step.id,
        })),
        checked: query.check === '1',
      });
    }),
  );

  // The live preview of a step text while typing (the editor's script): the trainee page's renderer.
  router.post(
    '/content/:slug/markdown',
    handle(async (req, res) => {
      parseInput(slugParam, req.params);
      const { markdown } = parseInput(markdownForm, req.body);
      const { title, body } = splitTitle(markdown);
      const rawHtml = findRawHtml(markdown).map((found) => found.html);
      res.json({ title: title ?? '', html: renderMarkdown(body), rawHtml });
    }),
  );

  return router;
}

function skippedText(skipped: Skipped, t: ReturnType<typeof translator>): string {
  return t(`module_authoring.moodle.skipped.${skipped.reason}`, {
    question: skipped.question,
    detail: skipped.detail ?? '',
  });
}
