import { Router, type NextFunction, type Request, type Response } from 'express';
import { presentSpread, spreadCsvRows } from '../../domain/board/board-spread.presenter';
import { spreadOf } from '../../domain/board/board-spread.service';
import { listRegions } from '../../domain/regions/region.service';
import { languageLinks, translator } from '../../i18n';
import { toCsv } from '../csv';
import { currentLaunch, requireLaunch } from '../launch-session';

/** The board's spread view: how practices travel between regions and waves, as a page and as CSV. */
export function boardSpreadRoutes(): Router {
  const router = Router();

  router.get('/board/spread', requireLaunch, (_req: Request, res: Response, next: NextFunction) => {
    const launch = currentLaunch(res);
    Promise.all([spreadOf(launch), listRegions()])
      .then(([spread, regions]) => {
        const lang = launch.language;
        const lt = launch.sessionId;
        res.render('board/spread', {
          lang,
          lt,
          title: translator(lang)('board.spread.title'),
          languages: languageLinks(lang, (l) => `/board/spread?lt=${lt}&lang=${l}`),
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
