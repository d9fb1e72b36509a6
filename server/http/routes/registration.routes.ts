import { Router } from 'express';
import type { PlatformRegistry } from '../../../lti/platforms';

/** PLACEHOLDER: LTI Dynamic Registration at `/lti/register` (being written). */
export function registrationRoutes(_deps: { registry: PlatformRegistry; publicUrl: string; registrationSecret?: string; allowHttp: boolean }): Router {
  return Router();
}
