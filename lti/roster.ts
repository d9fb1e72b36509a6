import { z } from 'zod';
import { SCOPE } from './claims';
import { mapRoles, type SiltaRole } from './roles';
import { nextLink, ServiceClient, withQuery, type ServiceTarget } from './service-client';

export const NRPS_MEDIA = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

const text = z
  .string()
  .nullish()
  .transform((v) => v || undefined);

const memberSchema = z.object({
  user_id: z.union([z.string(), z.number()]).transform(String),
  status: z
    .string()
    .nullish()
    .transform((v) => v || 'Active'),
  name: text,
  given_name: text,
  family_name: text,
  email: text,
  roles: z.array(z.string()).default([]),
});

const containerSchema = z.object({
  id: z.string().optional(),
  context: z.object({ id: z.union([z.string(), z.number()]).transform(String), label: text, title: text }).optional(),
  members: z.array(memberSchema),
});

/** A course member as the platform lists it, with Silta's role. */
export type RosterMember = {
  /** The platform's user id: the `sub` of the user's launches. */
  userId: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** Active or Inactive (NRPS); Moodle lists only active enrolments. */
  status: string;
  /** The roles as the platform sent them (Moodle: short names such as `Learner`). */
  roles: string[];
  role: SiltaRole;
};

export type Roster = { context?: { id: string; label?: string; title?: string }; members: RosterMember[] };

const MAX_PAGES = 1000;

/**
 * The members of a course through Names and Role Provisioning Services, following the
 * `Link: <...>; rel="next"` pages to the end. `limit` asks the platform for that page size.
 */
export async function getRoster(
  client: ServiceClient,
  input: ServiceTarget & { membershipsUrl: string; limit?: number },
): Promise<Roster> {
  const members: RosterMember[] = [];
  let context: Roster['context'];
  let url: string | undefined = withQuery(input.membershipsUrl, { limit: input.limit });
  const seen = new Set<string>();
  while (url && !seen.has(url) && seen.size < MAX_PAGES) {
    seen.add(url);
    const page = await client.json(
      {
        issuer: input.issuer,
        clientId: input.clientId,
        scopes: [SCOPE.memberships],
        method: 'GET',
        url,
        accept: NRPS_MEDIA,
      },
      containerSchema,
    );
    context ??= page.body.context;
    for (const m of page.body.members) {
      members.push({
        userId: m.user_id,
        name: m.name,
        givenName: m.given_name,
        familyName: m.family_name,
        email: m.email,
        status: m.status,
        roles: m.roles,
        role: mapRoles(m.roles),
      });
    }
    url = nextLink(page.headers.get('link'), url);
  }
  return { context, members };
}
