import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import type { Launch } from '../../domain/launches/launch.service';
import { isFacilitator } from '../../domain/sessions/session.policy';
import { sessionFor } from '../../domain/sessions/session-mutation';
import { presentNewSessionForm } from '../../domain/sessions/session-page.presenter';
import { livePageOf } from '../../domain/session-ui/live-page';
import { createSessionSchema } from '../../domain/sessions/session.schema';
import { actorOf, createSession, sessionOfLink } from '../../domain/sessions/session.service';
import type { SessionTemplate } from '../../domain/sessions/session-template';
import { SiltaError, ValidationError } from '../../errors';
import { languageLinks, translator } from '../../i18n';
import { currentLaunch, requireLaunch } from '../launch-session';
import {
  formErrorsOf,
  fromMessages,
  typedValues,
  wantsFormPage,
  type FieldSpec,
  type FormErrors,
} from '../forms/form-errors';
import { VOTE_BUDGET_MAX } from '../../domain/sessions/session.schema';
import type { TFunction } from 'i18next';

/** The "new session" form's fields as sessions/new.hbs shows them. */
function newSessionFields(t: TFunction, templates: ReadonlyMap<string, SessionTemplate>): Record<string, FieldSpec> {
  return {
    title: { id: 'session-title', label: t('sessions.field.title') },
    language: { id: 'session-language', label: t('sessions.field.language') },
    template: {
      id: `template-${[...templates.keys()][0] ?? ''}`,
      label: t('sessions.field.template'),
      message: 'forms.template_unknown',
    },
    voteBudget: {
      id: 'session-budget',
      label: t('sessions.field.vote_budget'),
      message: 'forms.vote_budget',
      params: { max: VOTE_BUDGET_MAX },
    },
    anonymous: { id: 'session-anonymous', label: t('sessions.field.anonymous') },
    completionReporting: { id: 'session-completion', label: t('sessions.field.completion_reporting') },
  };
}

type Handler = (req: Request, res: Response, launch: Launch) => Promise<void>;

/** A session id in the path; anything but a positive integer is a session that does not exist. */
function sessionIdParam(value: string | undefined): number {
  if (!value || !/^[1-9]\d{0,9}$/.test(value)) throw new SiltaError('session_not_found', 'not_found', value);
  return Number(value);
}

/**
 * Live sessions over HTTP: the facilitator's "new session" form, the launch entry of a placed
 * session link (`/sessions/start`) and the session page the browser client takes over.
 */
export function sessionRoutes(deps: { sequelize: Sequelize; templates: ReadonlyMap<string, SessionTemplate> }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const handle = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    handler(req, res, currentLaunch(res)).catch(next);
  };
  const page = (res: Response, view: string, title: string, model: object, path: string) => {
    const launch = currentLaunch(res);
    const sep = path.includes('?') ? '&' : '?';
    res.render(view, {
      lang: launch.language,
      title,
      lt: launch.sessionId,
      languages: languageLinks(launch.language, (l) => `${path}${sep}lt=${launch.sessionId}&lang=${l}`),
      ...model,
    });
  };
  const go = (res: Response, path: string) => res.redirect(303, `${path}?lt=${currentLaunch(res).sessionId}`);
  const facilitatorOnly = (launch: Launch) => {
    if (!isFacilitator(actorOf(launch))) throw new SiltaError('facilitator_only', 'forbidden');
  };

  router.get(
    '/sessions/start',
    requireLaunch,
    handle(async (_req, res, launch) => {
      const session = await sessionOfLink(launch);
      if (session) return go(res, `/sessions/${session.id}`);
      if (isFacilitator(actorOf(launch))) return go(res, '/sessions/new');
      page(
        res,
        'sessions/not-started',
        translator(launch.language)('sessions.not_started.title'),
        {},
        '/sessions/start',
      );
    }),
  );

  router.get(
    '/sessions/new',
    requireLaunch,
    handle(async (_req, res, launch) => {
      facilitatorOnly(launch);
      const title = launch.custom.target === 'session' ? (launch.resourceLink?.title ?? undefined) : undefined;
      page(
        res,
        'sessions/new',
        translator(launch.language)('sessions.new.title'),
        presentNewSessionForm(deps.templates, launch.language, { title }),
        '/sessions/new',
      );
    }),
  );

  router.post(
    '/sessions/new',
    form,
    requireLaunch,
    handle(async (req, res, launch) => {
      facilitatorOnly(launch);
      const t = translator(launch.language);
      const fields = newSessionFields(t, deps.templates);
      // A person gets the form again with what they typed; a program the JSON error.
      const again = (errors: FormErrors) => {
        const values = typedValues(req.body) as Record<string, string>;
        res.status(400);
        page(
          res,
          'sessions/new',
          t('sessions.new.title'),
          {
            ...presentNewSessionForm(deps.templates, launch.language, {
              ...values,
              anonymous: !!values.anonymous,
              completionReporting: !!values.completionReporting,
            }),
            errors,
          },
          '/sessions/new',
        );
      };
      const parsed = createSessionSchema.safeParse(req.body);
      if (!parsed.success) {
        if (wantsFormPage(req)) return again(formErrorsOf(parsed.error.issues, fields, t));
        throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      }
      // Only a link placed as a session is bound to it; a session made from elsewhere belongs to the course.
      const bound = launch.custom.target === 'session' ? launch : { ...launch, resourceLink: null };
      try {
        const session = await createSession({
          sequelize: deps.sequelize,
          launch: bound,
          templates: deps.templates,
          input: parsed.data,
        });
        go(res, `/sessions/${session.id}`);
      } catch (error) {
        if (!(error instanceof SiltaError && error.code === 'session_template_unknown' && wantsFormPage(req)))
          throw error;
        again(fromMessages({ template: t('forms.template_unknown') }, fields));
      }
    }),
  );

  router.get(
    '/sessions/:id',
    requireLaunch,
    handle(async (req, res, launch) => {
      const session = await sessionFor(actorOf(launch), sessionIdParam(req.params.id));
      // `?present`: the room's projector view (large type, the wall, the timer and the phase).
      const present = req.query.present !== undefined;
      page(
        res,
        'sessions/live',
        session.title,
        await livePageOf(session, launch, { present }),
        `/sessions/${session.id}${present ? '?present' : ''}`,
      );
    }),
  );
  return router;
}
