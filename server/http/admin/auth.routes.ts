import { Router } from 'express';
import { z } from 'zod';
import { SiltaError } from '../../errors';
import { translator } from '../../i18n';
import { validationErrorOf } from '../../errors';
import { fromMessages } from '../forms/form-errors';
import { handle, langOf, renderAdmin } from './admin-page';
import { adminFields, adminFormErrors, specsOf } from './admin-form-errors';
import { ADMIN_COOKIE, type adminSession } from './admin-session';

const FIELD_LABELS = { username: 'admin.login.username', password: 'admin.login.password' };

const loginForm = z
  .object({ _csrf: z.string(), username: z.string().trim().min(1).max(100), password: z.string().min(1).max(1024) })
  .strict();

/** Login and logout. A failed login shows the form again with the reason (wrong details or locked). */
export function authRoutes(session: ReturnType<typeof adminSession>): Router {
  const router = Router();
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/admin');
    renderAdmin(req, res, 'login', 'admin.login.title');
  });
  router.post(
    '/login',
    handle(async (req, res) => {
      const t = translator(langOf(res));
      const typed = req.body as Record<string, unknown>;
      // A missing or oversize value is named at its field, with the username kept (never the password).
      const parsed = loginForm.safeParse(req.body);
      if (!parsed.success) {
        const { errors, status } = adminFormErrors(validationErrorOf(parsed.error.issues), FIELD_LABELS, t);
        renderAdmin(
          req,
          res,
          'login',
          'admin.login.title',
          { fields: adminFields(['username'], typed, errors), passwordError: errors.fields.password, errors },
          status,
        );
        return;
      }
      try {
        await session.logIn(req, res);
      } catch (error) {
        if (!(error instanceof SiltaError) || !error.code.startsWith('admin_login_')) throw error;
        req.log.info({ code: error.code }, 'admin login refused');
        const status = error.kind === 'too_many' ? 429 : 401;
        // Which of the two was wrong is not told; the summary leads to the username to start again.
        const message = t(`errors.${error.code}`, error.params);
        const errors = fromMessages({ username: message }, specsOf(FIELD_LABELS, t));
        renderAdmin(
          req,
          res,
          'login',
          'admin.login.title',
          { fields: adminFields(['username'], { username: parsed.data.username }, errors), errors },
          status,
        );
        return;
      }
      res.redirect(303, '/admin');
    }),
  );
  router.post('/logout', (req, res, next) => {
    req.logout((error) => {
      if (error) return next(error);
      req.session.destroy((destroyError) => {
        if (destroyError) return next(destroyError);
        res.clearCookie(ADMIN_COOKIE, { path: '/admin' });
        res.redirect(303, '/admin/login');
      });
    });
  });
  return router;
}
