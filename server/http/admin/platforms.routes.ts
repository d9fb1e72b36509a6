import { Router, type Request, type Response } from 'express';
import { createInvite } from '../../../lti/registration';
import {
  addDeployment,
  addPlatform,
  editPlatform,
  findPlatform,
  listPlatforms,
  openInvites,
  removeDeployment,
  removePlatform,
  revokeInvite,
  undeliveredGrades,
} from '../../domain/admin/platform-admin.service';
import {
  deploymentForm,
  idParam,
  inviteForm,
  noticeQuery,
  platformEditForm,
  platformForm,
  removeForm,
} from '../../domain/admin/admin.schema';
import { SiltaError } from '../../errors';
import { translator } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { formatTime, noticeOf } from './admin-format';
import { adminFields, adminFormErrors } from './admin-form-errors';

const FIELDS = ['name', 'issuer', 'clientId', 'authUrl', 'tokenUrl', 'jwksUrl', 'deploymentIds'] as const;
/** What an existing platform's form can change (issuer and client id are fixed). */
const EDITABLE = ['name', 'authUrl', 'tokenUrl', 'jwksUrl'] as const;
const FIELD_LABELS: Record<(typeof FIELDS)[number], string> = {
  name: 'admin.platforms.fields.name',
  issuer: 'admin.platforms.fields.issuer',
  clientId: 'admin.platforms.fields.client_id',
  authUrl: 'admin.platforms.fields.auth_url',
  tokenUrl: 'admin.platforms.fields.token_url',
  jwksUrl: 'admin.platforms.fields.jwks_url',
  deploymentIds: 'admin.platforms.fields.deployment_ids',
};

/** Platforms: list, manual registration, edit, deployments, removal, one-time registration URLs. */
export function platformRoutes(deps: AdminDeps): Router {
  const router = Router();
  const { registry } = deps;
  const allowHttp = deps.env.nodeEnv !== 'production';

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const lang = langOf(res);
    const t = translator(lang);
    const platforms = (await listPlatforms(registry)).map((p) => ({
      ...p,
      registeredByLabel: t(`admin.platforms.registered_by.${p.registeredBy}`),
    }));
    const invites = (await openInvites()).map((i) => ({
      id: i.id,
      created: formatTime(i.get('createdAt') as Date, lang),
      expires: formatTime(i.expiresAt, lang),
    }));
    const base = deps.env.publicUrl;
    renderAdmin(
      req,
      res,
      'platforms',
      'admin.platforms.title',
      {
        platforms,
        invites,
        urls: { launch: `${base}/lti/launch`, login: `${base}/lti/login`, keys: `${base}/lti/keys` },
        ...extra,
      },
      status,
    );
  };

  router.get(
    '/platforms',
    handle(async (req, res) => {
      const query = parseInput(noticeQuery, req.query);
      await listPage(req, res, {
        notice: noticeOf(query, langOf(res), {
          removed: 'admin.platforms.removed',
          saved: 'admin.platforms.saved',
          revoked: 'admin.invites.revoked',
        }),
      });
    }),
  );

  router.post(
    '/platforms/invites',
    handle(async (req, res) => {
      const { hours } = parseInput(inviteForm, req.body);
      const created = await createInvite(deps.env.publicUrl, hours);
      // Shown once, on this answer only: the store keeps a hash of the token.
      await listPage(
        req,
        res,
        { created: { url: created.url, expires: formatTime(created.expiresAt, langOf(res)) } },
        201,
      );
    }),
  );

  router.post(
    '/platforms/invites/:id/revoke',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      parseInput(removeForm, req.body);
      await revokeInvite(deps.sequelize, id);
      res.redirect(303, '/admin/platforms?done=revoked');
    }),
  );

  router.get('/platforms/new', (req, res) =>
    renderAdmin(req, res, 'platform-form', 'admin.platforms.new_title', {
      isNew: true,
      fields: adminFields(FIELDS, {}),
    }),
  );

  router.post(
    '/platforms',
    handle(async (req, res) => {
      try {
        const input = parseInput(platformForm(allowHttp), req.body);
        const platform = await addPlatform(registry, input);
        res.redirect(303, `/admin/platforms/${platform.id}?done=saved`);
      } catch (error) {
        const { errors, status } = adminFormErrors(error, FIELD_LABELS, translator(langOf(res)));
        renderAdmin(
          req,
          res,
          'platform-form',
          'admin.platforms.new_title',
          { isNew: true, errors, fields: adminFields(FIELDS, req.body as Record<string, unknown>, errors) },
          status,
        );
      }
    }),
  );

  router.get(
    '/platforms/:id',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      const query = parseInput(noticeQuery, req.query);
      const platform = await findPlatform(registry, id);
      const values = {
        name: platform.name,
        authUrl: platform.authEndpoint,
        tokenUrl: platform.tokenEndpoint,
        jwksUrl: platform.jwksUrl,
      };
      const notice = noticeOf(query, langOf(res), {
        saved: 'admin.platforms.saved',
        deployment_added: 'admin.platforms.deployment_added',
        deployment_removed: 'admin.platforms.deployment_removed',
      });
      renderAdmin(req, res, 'platform-form', 'admin.platforms.edit_title', {
        name: platform.name,
        platform,
        notice,
        fields: adminFields(EDITABLE, values),
      });
    }),
  );

  router.post(
    '/platforms/:id',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      const platform = await findPlatform(registry, id);
      try {
        const input = parseInput(platformEditForm(allowHttp), req.body);
        await editPlatform(registry, id, input);
        res.redirect(303, `/admin/platforms/${id}?done=saved`);
      } catch (error) {
        const { errors, status } = adminFormErrors(error, FIELD_LABELS, translator(langOf(res)));
        renderAdmin(
          req,
          res,
          'platform-form',
          'admin.platforms.edit_title',
          {
            name: platform.name,
            platform,
            errors,
            fields: adminFields(EDITABLE, req.body as Record<string, unknown>, errors),
          },
          status,
        );
      }
    }),
  );

  router.post(
    '/platforms/:id/deployments',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      await findPlatform(registry, id);
      const { deploymentId } = parseInput(deploymentForm, req.body);
      await addDeployment(registry, id, { deploymentId });
      res.redirect(303, `/admin/platforms/${id}?done=deployment_added`);
    }),
  );

  router.post(
    '/platforms/:id/deployments/remove',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      const { deploymentId } = parseInput(deploymentForm, req.body);
      await removeDeployment({ sequelize: deps.sequelize, registry, id, deploymentId });
      res.redirect(303, `/admin/platforms/${id}?done=deployment_removed`);
    }),
  );

  const removePage = async (req: Request, res: Response, id: number, error?: string, status = 200) => {
    const platform = await findPlatform(registry, id);
    renderAdmin(
      req,
      res,
      'platform-remove',
      'admin.platforms.remove_title',
      { name: platform.name, platform, undelivered: await undeliveredGrades(platform), error },
      status,
    );
  };

  router.get(
    '/platforms/:id/remove',
    handle(async (req, res) => removePage(req, res, parseInput(idParam, req.params).id)),
  );

  router.post(
    '/platforms/:id/remove',
    handle(async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      const { confirm } = parseInput(removeForm, req.body);
      try {
        const removed = await removePlatform({ lti: deps.lti, registry, id, confirmed: confirm === 'yes' });
        req.log.info({ issuer: removed.issuer, clientId: removed.clientId }, 'platform removed in the admin console');
        res.redirect(303, '/admin/platforms?done=removed');
      } catch (error) {
        if (!(error instanceof SiltaError) || error.code !== 'admin_confirmation_required') throw error;
        await removePage(req, res, id, translator(langOf(res))(`errors.${error.code}`), 400);
      }
    }),
  );
  return router;
}
