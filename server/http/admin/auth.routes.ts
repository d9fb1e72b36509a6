import { Router } from 'express';
import { z } from 'zod';
import { SiltaError } from '../../errors';
import { translator } from '../../i18n';
import { handle, langOf, parseInput, renderAdmin } from './admin-page';
import { ADMIN_COOKIE, type adminSession } from './admin-session';

const loginForm = z.object({ _csrf: z.string(), username: z.string().trim().min(1).max(100), password: z.string().min(1).max(1024) }).strict();

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
      const input = parseInput(loginForm, req.body);
      try {
        await session.logIn(req, res);
      } catch (error) {
        if (!(error instanceof SiltaError) || !error.code.startsWith('admin_login_')) throw error;
        req.log.info({ code: error.code }, 'admin login refused');
        const status = error.kind === 'too_many' ? 429 : 401;
        renderAdmin(req, res, 'login', 'admin.login.title', { username: input.username, error: translator(langOf(res))(`errors.${error.code}`, error.params) }, status);
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
