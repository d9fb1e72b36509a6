import type { Response } from 'express';
import { presentLanding } from '../domain/launches/landing.presenter';
import type { Launch } from '../domain/launches/launch.service';

/** The landing page's own address, which a reload must fetch. */
export const landingAddress = (lt: string) => `/app?lt=${lt}`;

/**
 * Renders the role-aware landing page of a launch. `address`: the page is the answer to the
 * launch POST, so it tells the browser its GET address (see public/src/page-address.ts).
 */
export function renderLanding(res: Response, launch: Launch, options: { address?: string } = {}): void {
  res.render('pages/home', { ...presentLanding(launch), pageAddress: options.address });
}
