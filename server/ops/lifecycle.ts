import type { RequestHandler } from 'express';

/** Where the process is in its life; `draining` from the first shutdown signal on. */
export type Lifecycle = { draining: boolean };

export const createLifecycle = (): Lifecycle => ({ draining: false });

/**
 * While draining, every response asks the client to close its keep-alive connection, so the
 * next request goes through the load balancer to another instance.
 */
export function closeConnectionsWhenDraining(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}
