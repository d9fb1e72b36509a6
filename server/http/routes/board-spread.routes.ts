import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { presentMap } from '../../domain/board/board-map.presenter';
import { presentSpread, spreadCsvRows } from '../../domain/board/board-spread.presenter';
import { spreadOf } from '../../domain/board/board-spread.service';
import { findRegion, listRegions } from '../../domain/regions/region.service';
import { SiltaError } from '../../errors';
import { languageLinks, translator } from '../../i18n';
import { toCsv } from '../csv';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The spread page's query: the region selected on the map, if any. */
const spreadQuerySchema = z.object({
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
});

/** The board's spread view: how practices travel between regions and waves, as a page and as CSV. */
export function boardSpreadRoutes(): Router {
  const router = Router();

  router.get('/board/spread', requireLaunch, (req: Request, res: Response, next: NextFunction) => {
    const launch = currentLaunch(res);
    const query = spreadQuerySchema.safeParse({ region: req.query.region || undefined });
    if (!query.success) return next(new SiltaError('region_not_found', 'not_found'));
    Promise.all([spreadOf(launch), listRegions(), query.data.region ? findRegion(query.data.region) : null])
      .then(([spread, regions, selected]) => {
        const lang = launch.language;
        const lt = launch.sessionId;
        const t = translator(lang);
        const suffix = selected ? `&region=${selected.code}` : '';
        const map = presentMap(
          spread,
          regions,
          selected?.code ?? null,
          lang,
          (code) => `/board/spread?lt=${encodeURIComponent(lt)}&region=${code}#spread-region`,
        );
        res.render('board/spread', {
          lang,
          lt,
          title: selected ? t('board.map.page_title', { region: map.selection!.name }) : t('board.spread.title'),
          languages: languageLinks(lang, (l) => `/board/spread?lt=${lt}${suffix}&lang=${l}`),
          map,
          ...presentSpread(spread, regions, lang),
        });
      })
      .catch(next);
  });

  router.get('/board/spread.csv', requireLaunch, (_req: Request, res: Response, next: NextFunction) => {
    const launch = currentLaunch(res);
    Promise.all([spreadOf(launch), listRegions()])
      .then(([spread, regions]) => {
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .set('Content-Disposition', 'attachment; filename="silta-board-spread.csv"')
          .set('Cache-Control', 'no-store')
          .send(toCsv(spreadCsvRows(spread, regions, launch.language)));
      })
      .catch(next);
  });
  return router;
}
