import type { NextFunction, Request, Response } from 'express';
import { SiltaError } from '../../errors';
import type { AdminUser } from '../../store/admin-models';

/**
 * Lets only a logged-in admin through. A page asked for without the admin session cookie goes to
 * the login page; anything else is `admin_login_required` (401). A launch token (`lt`) means
 * nothing here: LTI launches never open the console.
 */
export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  if (req.user) {
    res.locals.admin = req.user as AdminUser;
    return next();
  }
  if (req.method === 'GET') return res.redirect(303, '/admin/login');
  next(new SiltaError('admin_login_required', 'unauthorized'));
}

/** The admin of the request (after requireAdmin). */
export function currentAdmin(res: Response): AdminUser {
  return res.locals.admin as AdminUser;
}
