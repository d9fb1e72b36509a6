import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Sequelize } from 'sequelize';
import { authenticate, findAdmin } from '../../domain/admin/admin-auth.service';
import { SiltaError } from '../../errors';
import type { AdminUser } from '../../store/admin-models';
import { DatabaseSessionStore } from './session-store';

/** An admin session ends after this long without a request. */
export const ADMIN_IDLE_MS = 30 * 60_000;
export const ADMIN_COOKIE = 'silta_admin';

/**
 * The console's session (a cookie only here: /admin is never framed) and its own passport
 * instance with the local strategy, so nothing of it reaches the LTI pages.
 */
export function adminSession(options: { sequelize: Sequelize; secretKey: string; publicUrl: string }) {
  const store = new DatabaseSessionStore(options.sequelize, ADMIN_IDLE_MS);
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      authenticate({ sequelize: options.sequelize, username, password, address: req.ip ?? 'unknown' })
        .then((admin) => done(null, admin))
        .catch((error: unknown) => (error instanceof SiltaError ? done(null, false, error) : done(error)));
    }),
  );
  passport.serializeUser((admin, done) => done(null, (admin as AdminUser).id));
  passport.deserializeUser((id: number, done) => {
    findAdmin(id)
      .then((admin) => done(null, admin ?? false))
      .catch(done);
  });
  const middleware: RequestHandler[] = [
    session({
      name: ADMIN_COOKIE,
      // Derived, so the session signature never shares a key with what SECRET_KEY encrypts.
      secret: crypto.createHmac('sha256', options.secretKey).update('silta admin session').digest('base64url'),
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        secure: options.publicUrl.startsWith('https:'),
        path: '/admin',
        maxAge: ADMIN_IDLE_MS,
      },
    }),
    passport.initialize(),
    passport.session(),
  ];

  /** Runs the local strategy; resolves the admin, or rejects with the strategy's SiltaError. */
  const logIn = (req: Request, res: Response) =>
    new Promise<AdminUser>((resolve, reject) => {
      const next: NextFunction = (error?: unknown) => reject(error);
      passport.authenticate('local', (error: unknown, admin: AdminUser | false, info: unknown) => {
        if (error) return reject(error);
        if (!admin)
          return reject(info instanceof SiltaError ? info : new SiltaError('admin_login_failed', 'unauthorized'));
        // passport regenerates the session id here (no fixation); the new session gets a new CSRF token.
        req.logIn(admin, (loginError) => (loginError ? reject(loginError) : resolve(admin)));
      })(req, res, next);
    });
  return { store, middleware, logIn };
}
