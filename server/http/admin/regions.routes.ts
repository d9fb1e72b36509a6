import { Router, type Request, type Response } from 'express';
import { regionForm, regionParam, noticeQuery } from '../../domain/admin/admin.schema';
import { updateRegion } from '../../domain/admin/region-admin.service';
import { findRegion, listRegions, regionName } from '../../domain/regions/region.service';
import { validationErrorOf, type SiltaError } from '../../errors';
import { translator } from '../../i18n';
import type { AdminDeps } from './admin.routes';
import { noticeOf } from './admin-format';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { adminFields, adminFormErrors } from './admin-form-errors';

const FIELDS = ['nameFi', 'nameSv', 'nameEn', 'wave'] as const;
const FIELD_LABELS = {
  nameFi: 'admin.regions.col_name_fi',
  nameSv: 'admin.regions.col_name_sv',
  nameEn: 'admin.regions.col_name_en',
  wave: 'admin.regions.col_wave',
};

/** Regions: the list, and a form per region for its three names and its wave. */
export function regionRoutes(deps: AdminDeps): Router {
  const router = Router();
  router.get(
    '/regions',
    handle(async (req, res) => {
      const query = parseInput(noticeQuery, req.query);
      const lang = langOf(res);
      const regions = (await listRegions()).map((r) => ({
        code: r.code,
        name: regionName(r, lang),
        nameFi: r.nameFi,
        nameSv: r.nameSv,
        nameEn: r.nameEn,
        wave: r.wave,
      }));
      renderAdmin(req, res, 'regions', 'admin.regions.title', {
        regions,
        notice: noticeOf(query, lang, { saved: 'admin.regions.saved' }),
      });
    }),
  );

  const editPage = async (
    req: Request,
    res: Response,
    code: string,
    values?: Record<string, unknown>,
    error?: SiltaError,
  ) => {
    const region = await findRegion(code);
    const lang = langOf(res);
    const errors = error ? adminFormErrors(error, FIELD_LABELS, translator(lang)).errors : undefined;
    const source: Record<string, unknown> = values ?? {
      nameFi: region.nameFi,
      nameSv: region.nameSv,
      nameEn: region.nameEn,
      wave: String(region.wave),
    };
    renderAdmin(
      req,
      res,
      'region-form',
      'admin.regions.edit_title',
      { name: regionName(region, lang), code: region.code, fields: adminFields(FIELDS, source, errors), errors },
      error ? 400 : 200,
    );
  };

  router.get(
    '/regions/:code',
    handle(async (req, res) => editPage(req, res, parseInput(regionParam, req.params).code)),
  );
  router.post(
    '/regions/:code',
    handle(async (req, res) => {
      const { code } = parseInput(regionParam, req.params);
      await findRegion(code);
      const parsed = regionForm.safeParse(req.body);
      if (!parsed.success) {
        await editPage(req, res, code, req.body as Record<string, unknown>, validationErrorOf(parsed.error.issues));
        return;
      }
      await updateRegion(deps.sequelize, code, parsed.data);
      res.redirect(303, '/admin/regions?done=saved');
    }),
  );
  return router;
}
