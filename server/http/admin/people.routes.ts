import { Router, type Request, type Response } from 'express';
import { eraseFromConsole, findPeople, findPerson, holdingsOf, SEARCH_LIMIT } from '../../domain/people/people.service';
import { eraseForm, exportForm, peopleQuery, personParam, personQuery } from '../../domain/people/people.schema';
import { exportUser } from '../../domain/privacy/privacy.service';
import { translator } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { noticeOf } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { currentAdmin } from './require-admin';
import { formErrorsOf, fromMessages } from '../forms/form-errors';

const SEARCH_FIELDS = ['issuer', 'sub', 'q'] as const;

/**
 * Personal data: find a person (platform identity, or name or email), see what Silta holds about
 * them, export it as JSON, erase it (posts kept under "deleted user" unless removal is chosen).
 * Export and erasure are POST forms with the CSRF token; every erasure is logged without personal data.
 */
export function peopleRoutes(deps: AdminDeps): Router {
  const router = Router();
  const retention = () => ({ months: deps.env.retentionMonths });

  router.get(
    '/people',
    handle(async (req, res) => {
      const lang = langOf(res);
      const t = translator(lang);
      const parsed = peopleQuery.safeParse(req.query);
      const values = {
        issuer: String(req.query.issuer ?? ''),
        sub: String(req.query.sub ?? ''),
        q: String(req.query.q ?? ''),
      };
      if (!parsed.success) {
        const fields = SEARCH_FIELDS.filter((f) => parsed.error.issues.some((i) => i.path[0] === f));
        req.log.info({ fields }, 'people search refused');
        const specs = Object.fromEntries(
          SEARCH_FIELDS.map((f) => [f, { id: f, label: t(`admin.people.fields.${f}`) }]),
        );
        const errors = formErrorsOf(parsed.error.issues, specs, t);
        renderAdmin(req, res, 'people', 'admin.people.title', { values, errors, retention: retention() }, 400);
        return;
      }
      const query = parsed.data;
      const search =
        query.issuer && query.sub ? { issuer: query.issuer, sub: query.sub } : query.q ? { q: query.q } : undefined;
      const found = search ? await findPeople(search) : undefined;
      renderAdmin(req, res, 'people', 'admin.people.title', {
        values,
        searched: !!search,
        people: found?.slice(0, SEARCH_LIMIT),
        more: found && found.length > SEARCH_LIMIT ? { shown: SEARCH_LIMIT } : undefined,
        retention: retention(),
      });
    }),
  );

  const personPage = async (
    req: Request,
    res: Response,
    view: 'person' | 'erase',
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const { id } = parseInput(personParam, req.params);
    const person = await findPerson(id);
    const t = translator(langOf(res));
    const holdings = (await holdingsOf(deps.sequelize, id)).map((h) => ({
      ...h,
      label: t(`admin.people.kinds.${h.kind}`, { defaultValue: h.kind }),
    }));
    renderAdmin(
      req,
      res,
      view === 'person' ? 'people-person' : 'people-erase',
      view === 'person' ? 'admin.people.person_title' : 'admin.people.erase_title',
      { id, person, holdings, ...extra },
      status,
    );
  };

  router.get(
    '/people/:id',
    handle(async (req, res) => {
      const query = parseInput(personQuery, req.query);
      await personPage(req, res, 'person', {
        notice: noticeOf(query, langOf(res), { erased: 'admin.people.erased', removed: 'admin.people.removed' }),
      });
    }),
  );

  router.post(
    '/people/:id/export',
    handle(async (req, res) => {
      const { id } = parseInput(personParam, req.params);
      const parsed = exportForm.safeParse(req.body);
      if (!parsed.success) {
        // Only a forged form gets here (it has no fields to fill): the person's page again, saying so.
        const errors = formErrorsOf(parsed.error.issues, {}, translator(langOf(res)));
        await personPage(req, res, 'person', { errors }, 400);
        return;
      }
      const exported = await exportUser({ sequelize: deps.sequelize, user: { userId: id } });
      req.log.info(
        { event: 'user_exported', adminId: currentAdmin(res).id, userId: id },
        'personal data exported in the admin console',
      );
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="silta-user-${id}.json"`);
      res.send(JSON.stringify(exported, null, 2));
    }),
  );

  router.get(
    '/people/:id/erase',
    handle(async (req, res) => personPage(req, res, 'erase', { mode: 'keep' })),
  );

  router.post(
    '/people/:id/erase',
    handle(async (req, res) => {
      const { id } = parseInput(personParam, req.params);
      const t = translator(langOf(res));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const parsed = eraseForm.safeParse(body);
      if (!parsed.success || parsed.data.confirm !== 'yes') {
        // Every problem at its field (a mode not offered, the box not ticked), the choice kept.
        const specs = {
          mode: { id: 'mode-keep', label: t('admin.people.posts_legend') },
          confirm: { id: 'confirm', label: t('admin.people.confirm', { id }) },
        };
        const base = parsed.success ? fromMessages({}, specs) : formErrorsOf(parsed.error.issues, specs, t);
        const messages = { ...base.fields };
        if (body.confirm !== 'yes') messages.confirm ??= t('admin.people.confirm_required');
        const errors = fromMessages(messages, specs, base.summary.find((s) => s.href === '#main')?.text);
        const mode = parsed.success ? parsed.data.mode : typeof body.mode === 'string' ? body.mode : 'keep';
        await personPage(req, res, 'erase', { mode, errors }, 400);
        return;
      }
      const { mode } = parsed.data;
      const erased = await eraseFromConsole({
        sequelize: deps.sequelize,
        logger: req.log,
        adminId: currentAdmin(res).id,
        userId: id,
        remove: mode === 'remove',
      });
      res.redirect(303, `/admin/people/${id}?done=${erased.removed ? 'removed' : 'erased'}`);
    }),
  );
  return router;
}
