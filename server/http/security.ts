import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers. Pages may be framed only by registered platforms (CSP frame-ancestors; no
 * X-Frame-Options, which cannot list several origins), and forms may post only to Silta and to
 * registered platforms (the deep-linking response is a form posted to the platform).
 */
export function securityHeaders(options: {
  publicUrl: string;
  allowedOrigins: () => Promise<string[]>;
}): RequestHandler[] {
  const https = options.publicUrl.startsWith('https:');
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
    next();
  };
  const origins: RequestHandler = (_req, res, next) => {
    options
      .allowedOrigins()
      .then((list) => {
        res.locals.platformOrigins = list.join(' ');
        next();
      })
      .catch(next);
  };
  const listed = (_req: unknown, res: unknown) => (res as Response).locals.platformOrigins || "'self'";
  const headers = helmet({
    frameguard: false,
    crossOriginOpenerPolicy: false,
    hsts: https,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameSrc: ["'self'"],
        frameAncestors: ["'self'", listed],
        formAction: ["'self'", listed],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  });
  return [nonce, origins, headers];
}

/** Lets a router replace one CSP directive (the development platform frames Silta). */
export function extendCsp(directive: string, value: string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const current = res.getHeader('Content-Security-Policy');
    if (typeof current === 'string') {
      res.setHeader(
        'Content-Security-Policy',
        current.replace(new RegExp(`${directive} ([^;]*)`), `${directive} $1 ${value}`),
      );
    }
    next();
  };
}
