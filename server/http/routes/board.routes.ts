import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import type { z } from 'zod';
import {
  addComment,
  adoptedByRegion,
  adoptionsOf,
  adoptionsOfPractices,
  adoptPractice,
  commentsOf,
  deleteComment,
  isUseful,
  toggleUseful,
} from '../../domain/board/board-interactions.service';
import { presentChips, presentGridCard, presentPracticePage } from '../../domain/board/board-cards.presenter';
import { moderate, moderationLog, moderationTargets } from '../../domain/board/board-moderation.service';
import { presentModerationLog } from '../../domain/board/board-moderation.presenter';
import { displayNames } from '../../domain/people/display-names';
import {
  presentForm,
  presentListing,
  presentPractice,
  practiceValues,
  regionsByCode,
} from '../../domain/board/board.presenter';
import {
  adoptionInputSchema,
  commentInputSchema,
  idSchema,
  listQuerySchema,
  logQuerySchema,
  moderationInputSchema,
  practiceInputSchema,
  regionChoiceSchema,
} from '../../domain/board/board.schema';
import {
  boardOf,
  createPractice,
  deletePractice,
  draftsOf,
  DRAFTS_LISTED,
  DRAFTS_ON_BOARD,
  getPractice,
  practicesOfRegion,
  searchPractices,
  updatePractice,
} from '../../domain/board/board.service';
import { can } from '../../domain/board/board.policy';
import type { BoardEvents } from '../../domain/board/board-events';
import type { Launch } from '../../domain/launches/launch.service';
import { chooseRegion, findRegion, listRegions, regionName, regionOf } from '../../domain/regions/region.service';
import { SiltaError, ValidationError } from '../../errors';
import { languageLinks, translator } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';
import { rateLimit } from '../rate-limit';
import { wantsFormPage } from '../forms/form-errors';
import { boardFormErrors, commentFields, FormRefusal, practiceFields, typedPractice } from './board-forms';

type Handler = (req: Request, res: Response, launch: Launch) => Promise<void>;

const FIELD_LABELS: Record<string, string> = {
  title: 'board.field.title',
  summary: 'board.field.summary',
  need: 'board.field.need',
  whatWasDone: 'board.field.what_was_done',
  results: 'board.field.results',
  links: 'board.field.links',
  body: 'board.field.comment',
  note: 'board.field.note',
  reason: 'board.reason',
  q: 'board.filter.text',
};

/**
 * Validates with a zod schema. A field over its limit gets its own message naming the field and
 * the limit; other failures list the fields.
 */
function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, launch: Launch): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const long = parsed.error.issues.find(
    (i) => i.code === 'too_big' && typeof i.path[0] === 'string' && FIELD_LABELS[i.path[0]],
  );
  if (long && long.code === 'too_big') {
    const t = translator(launch.language);
    // A list (links) has too many entries; a text has too many characters.
    const code = long.origin === 'array' ? 'board_field_too_many' : 'board_field_too_long';
    throw new SiltaError(code, 'bad_request', long.path.join('.'), {
      field: t(FIELD_LABELS[String(long.path[0])]),
      max: Number(long.maximum),
    });
  }
  throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

/** A form a person sent: its schema issues come back as a FormRefusal so the form can show them; a program gets `parse`'s error. */
function parseForm<T extends z.ZodTypeAny>(schema: T, req: Request, launch: Launch): z.infer<T> {
  if (!wantsFormPage(req)) return parse(schema, req.body, launch);
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw new FormRefusal(parsed.error.issues);
  return parsed.data;
}

/** An id in the path; anything but a positive integer is a practice that does not exist. */
const idParam = (value: string | undefined, code = 'practice_not_found') => {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new SiltaError(code, 'not_found');
  return parsed.data;
};

/** A filter left at "all" arrives as an empty string: the same as not filtering. */
const withoutEmpty = (query: Request['query']) => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));

/** The peer-learning board over HTTP: listing, practices, comments, reactions, adoptions, moderation, regions. */
export function boardRoutes(deps: { sequelize: Sequelize; postsPerMinute: number; events?: BoardEvents }): Router {
  const router = Router();
  const { sequelize, events } = deps;
  const form = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 100 });
  router.post(/^\/board/, rateLimit({ perMinute: deps.postsPerMinute, key: (req) => req.ip }));

  const handle = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    handler(req, res, currentLaunch(res)).catch(next);
  };
  const page = (
    res: Response,
    view: string,
    titleKey: string,
    model: object,
    path: string,
    titleParams: Record<string, string> = {},
  ) => {
    const launch = currentLaunch(res);
    const t = translator(launch.language);
    const sep = path.includes('?') ? '&' : '?';
    res.render(view, {
      lang: launch.language,
      title: t(titleKey, titleParams),
      lt: launch.sessionId,
      languages: languageLinks(launch.language, (l) => `${path}${sep}lt=${launch.sessionId}&lang=${l}`),
      canModerate: can(launch, 'moderate'),
      ...model,
    });
  };
  // The token goes before a #fragment, or the browser would keep it out of the query.
  const go = (res: Response, path: string) => {
    const [base, fragment] = path.split('#');
    res.redirect(
      303,
      `${base}${base.includes('?') ? '&' : '?'}lt=${currentLaunch(res).sessionId}${fragment ? `#${fragment}` : ''}`,
    );
  };
  const get = (path: string, handler: Handler) => router.get(path, requireLaunch, handle(handler));
  const post = (path: string, handler: Handler) => router.post(path, form, requireLaunch, handle(handler));

  get('/board', async (req, res, launch) => {
    boardOf(launch); // a malformed board name is refused before anything else
    const raw = withoutEmpty(req.query);
    // A person's over-long search (only an edited address gets past the field's maxlength) is
    // told next to the search field, over the listing without it; a program gets the JSON error.
    const tooLong = wantsFormPage(req) && listQuerySchema.shape.q.safeParse(raw.q).error?.issues[0]?.code === 'too_big';
    const query = parse(listQuerySchema, tooLong ? { ...raw, q: undefined } : raw, launch);
    const { region } = await regionOf(launch);
    // Teachers and moderators see the whole board at once; they choose a region only to post.
    if (!region && !can(launch, 'moderate')) return go(res, '/board/region');
    if (query.region) await findRegion(query.region);
    const [result, regions, drafts] = await Promise.all([
      searchPractices({ launch, query }),
      listRegions(),
      // One more than shown tells whether the link to all of them is needed.
      draftsOf(launch, { limit: DRAFTS_ON_BOARD + 1 }),
    ]);
    const lang = launch.language;
    const byCode = regionsByCode(regions);
    const adoptions = result.rows.flatMap((p) =>
      p.adopterCodes.map((regionCode) => ({ practiceId: p.id, regionCode })),
    );
    const listing = presentListing({
      launch,
      query,
      result,
      regions,
      myRegion: region,
      searchProblem: tooLong ? { tooLong: String(raw.q) } : result.nothingToFind ? 'no_words' : null,
    });
    const t = translator(lang);
    if (tooLong) res.status(400);
    page(
      res,
      'board/index',
      'board.title',
      {
        ...listing,
        items: result.rows.map((p) => presentGridCard(p, byCode, adoptions, lang)),
        drafts: drafts.slice(0, DRAFTS_ON_BOARD).map((p) => presentGridCard(p, byCode, [], lang)),
        moreDrafts: drafts.length > DRAFTS_ON_BOARD,
        sharedHeading: t('board.grid.shared', { count: result.shared }),
        alsoHidden:
          result.total > result.shared ? t('board.grid.also_hidden', { count: result.total - result.shared }) : null,
        ...presentChips(query, regions, launch.sessionId, lang),
        filtersActive: Object.entries(query).some(
          ([key, value]) => !['page', 'sort', 'q'].includes(key) && value !== undefined && value !== '',
        ),
      },
      '/board',
    );
  });

  get('/board/drafts', async (_req, res, launch) => {
    boardOf(launch);
    const [found, regions] = await Promise.all([draftsOf(launch, { limit: DRAFTS_LISTED + 1 }), listRegions()]);
    const byCode = regionsByCode(regions);
    const lang = launch.language;
    const t = translator(lang);
    const drafts = found.slice(0, DRAFTS_LISTED);
    page(
      res,
      'board/drafts',
      'board.grid.your_drafts',
      {
        drafts: drafts.map((p) => presentGridCard(p, byCode, [], lang)),
        countHeading: t('board.drafts_page.count', { count: drafts.length }),
        latestOnly: found.length > drafts.length ? t('board.drafts_page.latest', { count: DRAFTS_LISTED }) : null,
      },
      '/board/drafts',
    );
  });

  get('/board/region', async (_req, res, launch) => {
    const [{ region, fromLaunch }, regions] = await Promise.all([regionOf(launch), listRegions()]);
    const lang = launch.language;
    page(
      res,
      'board/region-choice',
      'board.region_choice.title',
      {
        fromLaunch,
        current: region ? regionName(region, lang) : null,
        regions: regions.map((r) => ({
          value: r.code,
          label: regionName(r, lang),
          wave: r.wave,
          selected: r.code === region?.code,
        })),
      },
      '/board/region',
    );
  });

  post('/board/region', async (req, res, launch) => {
    await chooseRegion(sequelize, launch, parse(regionChoiceSchema, req.body, launch).region);
    go(res, '/board');
  });

  get('/board/new', async (_req, res, launch) => {
    boardOf(launch);
    const [{ region }, regions] = await Promise.all([regionOf(launch), listRegions()]);
    page(
      res,
      'board/form',
      'board.new_title',
      { ...presentForm(launch.language, regions, { region: region?.code }), values: {}, action: '/board/practices' },
      '/board/new',
    );
  });

  post('/board/practices', async (req, res, launch) => {
    try {
      const practice = await createPractice({
        sequelize,
        launch,
        input: parseForm(practiceInputSchema, req, launch),
        events,
      });
      go(res, `/board/practices/${practice.id}`);
    } catch (error) {
      if (!wantsFormPage(req) || !(await practiceFormAgain(req, res, launch, error))) throw error;
    }
  });

  /** The practice page; after a refused comment, with the comment's errors and what was typed. */
  const practicePage = async (res: Response, launch: Launch, practiceId: number, comment: object = {}) => {
    const practice = await getPractice(launch, practiceId);
    const [comments, adoptions, regions, useful, { region }] = await Promise.all([
      commentsOf(practice.id),
      adoptionsOf(practice.id),
      listRegions(),
      isUseful(launch, practice.id),
      regionOf(launch),
    ]);
    const model = presentPracticePage(
      await presentPractice({ launch, practice, comments, adoptions, regions, useful, myRegion: region }),
      practice,
      adoptions,
      !!region,
      launch.language,
    );
    page(res, 'board/practice', 'board.practice_title', { ...model, ...comment }, `/board/practices/${practice.id}`, {
      title: practice.title,
    });
  };

  /** Shows the practice form again after a refusal about what was typed; false when the refusal is of another kind. */
  const practiceFormAgain = async (
    req: Request,
    res: Response,
    launch: Launch,
    error: unknown,
    practiceId?: number,
  ) => {
    const t = translator(launch.language);
    const errors = boardFormErrors(error, practiceFields(t), t);
    if (!errors) return false;
    const values = typedPractice(req.body);
    const action = practiceId ? `/board/practices/${practiceId}` : '/board/practices';
    res.status(400);
    page(
      res,
      'board/form',
      practiceId ? 'board.edit_title' : 'board.new_title',
      { ...presentForm(launch.language, await listRegions(), values), values, action, editing: !!practiceId, errors },
      practiceId ? `${action}/edit` : '/board/new',
    );
    return true;
  };

  get('/board/practices/:id', async (req, res, launch) => {
    await practicePage(res, launch, idParam(req.params.id));
  });

  get('/board/practices/:id/edit', async (req, res, launch) => {
    const practice = await getPractice(launch, idParam(req.params.id));
    if (!can(launch, 'edit', practice)) throw new SiltaError('forbidden', 'forbidden');
    const values = practiceValues(practice);
    page(
      res,
      'board/form',
      'board.edit_title',
      {
        ...presentForm(launch.language, await listRegions(), values),
        values,
        action: `/board/practices/${practice.id}`,
        editing: true,
      },
      `/board/practices/${practice.id}/edit`,
    );
  });

  post('/board/practices/:id', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    try {
      const practice = await updatePractice({
        sequelize,
        launch,
        practiceId,
        input: parseForm(practiceInputSchema, req, launch),
        events,
      });
      go(res, `/board/practices/${practice.id}`);
    } catch (error) {
      if (!wantsFormPage(req) || !(await practiceFormAgain(req, res, launch, error, practiceId))) throw error;
    }
  });

  post('/board/practices/:id/delete', async (req, res, launch) => {
    await deletePractice({ sequelize, launch, practiceId: idParam(req.params.id), events });
    go(res, '/board');
  });

  post('/board/practices/:id/comments', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    let input: z.infer<typeof commentInputSchema>;
    try {
      input = parseForm(commentInputSchema, req, launch);
    } catch (error) {
      const t = translator(launch.language);
      const errors = boardFormErrors(error, commentFields(t), t);
      if (!errors) throw error;
      res.status(400);
      const body = (req.body as Record<string, unknown>).body;
      return practicePage(res, launch, practiceId, { errors, commentValue: typeof body === 'string' ? body : '' });
    }
    const comment = await addComment({
      sequelize,
      launch,
      practiceId,
      body: input.body,
      parentId: input.parent,
      events,
    });
    go(res, `/board/practices/${comment.practiceId}#comment-${comment.id}`);
  });

  post('/board/practices/:id/comments/:commentId/delete', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    await deleteComment({
      sequelize,
      launch,
      practiceId,
      commentId: idParam(req.params.commentId, 'comment_not_found'),
      events,
    });
    go(res, `/board/practices/${practiceId}#comments`);
  });

  post('/board/practices/:id/useful', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    await toggleUseful({ sequelize, launch, practiceId });
    go(res, `/board/practices/${practiceId}`);
  });

  post('/board/practices/:id/adopt', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    await adoptPractice({
      sequelize,
      launch,
      practiceId,
      note: parse(adoptionInputSchema, req.body, launch).note,
      events,
    });
    go(res, `/board/practices/${practiceId}#adoptions`);
  });

  post('/board/practices/:id/moderate', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    const input = parse(moderationInputSchema, req.body, launch);
    await moderate({ sequelize, launch, target: { type: 'practice', practiceId }, ...input, events });
    go(res, `/board/practices/${practiceId}`);
  });

  post('/board/practices/:id/comments/:commentId/moderate', async (req, res, launch) => {
    const practiceId = idParam(req.params.id);
    const commentId = idParam(req.params.commentId, 'comment_not_found');
    const input = parse(moderationInputSchema, req.body, launch);
    await moderate({ sequelize, launch, target: { type: 'comment', practiceId, commentId }, ...input, events });
    go(res, `/board/practices/${practiceId}#comment-${commentId}`);
  });

  get('/board/regions/:code', async (req, res, launch) => {
    boardOf(launch);
    const region = await findRegion(String(req.params.code));
    const [shared, adopted, regions, drafts] = await Promise.all([
      practicesOfRegion(launch, region.code),
      adoptedByRegion(launch, region.code),
      listRegions(),
      draftsOf(launch, { regionCode: region.code, limit: DRAFTS_LISTED }),
    ]);
    const byCode = regionsByCode(regions);
    const lang = launch.language;
    const t = translator(lang);
    const adoptions = await adoptionsOfPractices([...shared, ...adopted.map((a) => a.practice)].map((p) => p.id));
    page(
      res,
      'board/region',
      'board.region_page.title',
      {
        region: { code: region.code, name: regionName(region, lang), wave: region.wave },
        sharedHeading: t('board.region_page.shared_count', { count: shared.length }),
        adoptedHeading: t('board.region_page.adopted_count', { count: adopted.length }),
        shared: shared.map((p) => presentGridCard(p, byCode, adoptions, lang)),
        adopted: adopted.map(({ adoption, practice }) => ({
          ...presentGridCard(practice, byCode, adoptions, lang),
          note: adoption.note,
        })),
        drafts: drafts.map((p) => presentGridCard(p, byCode, [], lang)),
      },
      `/board/regions/${region.code}`,
      { region: regionName(region, lang) },
    );
  });

  get('/board/moderation', async (req, res, launch) => {
    const { page: pageNumber } = parse(logQuerySchema, withoutEmpty(req.query), launch);
    const log = await moderationLog(launch, pageNumber);
    const [names, targets] = await Promise.all([
      displayNames(
        log.rows.map((r) => r.moderatorId),
        launch.language,
      ),
      moderationTargets(launch, log.rows),
    ]);
    page(
      res,
      'board/moderation',
      'board.moderation.title',
      presentModerationLog({ log, names, targets, lt: launch.sessionId, lang: launch.language }),
      '/board/moderation',
    );
  });
  return router;
}
