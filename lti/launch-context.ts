import { z } from 'zod';
import { LtiError } from '../server/errors';
import { languageFromLocale, type Language } from '../server/i18n';
import { CLAIM, MESSAGE_TYPES, type MessageType } from './claims';
import { mapRoles, type SiltaRole } from './roles';

/** What a validated launch tells Silta. The rest of the app sees this, never a JWT. */
export type LaunchContext = {
  messageType: MessageType;
  platform: { issuer: string; clientId: string; deploymentId: string };
  user: { sub: string; name?: string; givenName?: string; familyName?: string; email?: string };
  context: { id: string; title?: string; label?: string };
  ltiRoles: string[];
  role: SiltaRole;
  resourceLink?: { id: string; title?: string };
  language: Language;
  custom: Record<string, string>;
  ags?: { lineitem?: string; lineitems?: string; scopes: string[] };
  nrps?: { membershipsUrl: string };
  deepLinking?: { returnUrl: string; acceptTypes: string[]; acceptMultiple: boolean; data?: string };
  returnUrl?: string;
  /** The id_token's nonce; recorded once with the launch session, so the token cannot be replayed. */
  nonce: string;
};

const text = (max: number) => z.string().max(max);

/**
 * Control characters (NUL above all) out of text the platform sends and Silta stores or looks
 * up: nobody types them, PostgreSQL refuses NUL in text and JSON, and SQLite ends a statement at it.
 */
const clean = (value: string): string => value.replace(/\p{Cc}/gu, '');
const cleanOptional = (value: string | undefined) => (value === undefined ? undefined : clean(value));
// zod's url() accepts any scheme (javascript:, data:); these URLs become links, form actions and
// service endpoints, so only http(s) is allowed. zod runs the refinement even when url() failed,
// so it must not throw on a non-URL.
const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');

const claimsSchema = z.object({
  sub: text(255).min(1).optional(),
  name: text(255).optional(),
  given_name: text(255).optional(),
  family_name: text(255).optional(),
  email: text(320).optional(),
  locale: text(32).optional(),
  [CLAIM.messageType]: z.string(),
  [CLAIM.version]: z.string(),
  [CLAIM.deploymentId]: text(255).min(1),
  [CLAIM.roles]: z.array(text(512)).max(100),
  [CLAIM.context]: z
    .object({ id: text(255).min(1), title: text(512).optional(), label: text(255).optional() })
    .optional(),
  [CLAIM.resourceLink]: z.object({ id: text(255).min(1), title: text(512).optional() }).optional(),
  [CLAIM.custom]: z.record(z.string(), z.unknown()).optional(),
  [CLAIM.launchPresentation]: z.object({ locale: text(32).optional(), return_url: httpUrl.optional() }).optional(),
  [CLAIM.ags]: z
    .object({
      lineitem: httpUrl.optional(),
      lineitems: httpUrl.optional(),
      scope: z.array(text(512)).max(20).default([]),
    })
    .optional(),
  [CLAIM.nrps]: z.object({ context_memberships_url: httpUrl }).optional(),
  [CLAIM.deepLinkingSettings]: z
    .object({
      deep_link_return_url: httpUrl,
      accept_types: z.array(text(64)).default([]),
      accept_multiple: z.boolean().optional(),
      data: text(4096).optional(),
    })
    .optional(),
});

/**
 * Turns a verified id_token payload into a LaunchContext, checking the claims LTI 1.3 requires
 * for the message type. A missing or malformed claim is an `lti_missing_claim` error.
 */
export function toLaunchContext(
  payload: Record<string, unknown>,
  platform: { issuer: string; clientId: string },
  nonce: string,
): LaunchContext {
  const messageType = payload[CLAIM.messageType];
  if (!MESSAGE_TYPES.includes(messageType as MessageType))
    throw new LtiError('lti_wrong_message_type', String(messageType));
  if (payload[CLAIM.version] !== '1.3.0') throw new LtiError('lti_wrong_version', String(payload[CLAIM.version]));
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success)
    throw new LtiError('lti_missing_claim', parsed.error.issues.map((i) => i.path.join('.')).join(', '));
  const claims = parsed.data;
  const context = claims[CLAIM.context];
  if (!context) throw new LtiError('lti_missing_claim', CLAIM.context);
  if (!claims.sub) throw new LtiError('lti_missing_claim', 'sub');
  const resourceLink = claims[CLAIM.resourceLink];
  const deepLinking = claims[CLAIM.deepLinkingSettings];
  if (messageType === 'LtiResourceLinkRequest' && !resourceLink)
    throw new LtiError('lti_missing_claim', CLAIM.resourceLink);
  if (messageType === 'LtiDeepLinkingRequest' && !deepLinking)
    throw new LtiError('lti_missing_claim', CLAIM.deepLinkingSettings);

  const ltiRoles = claims[CLAIM.roles];
  const ags = claims[CLAIM.ags];
  const nrps = claims[CLAIM.nrps];
  const presentation = claims[CLAIM.launchPresentation];
  return {
    nonce,
    messageType: messageType as MessageType,
    platform: { issuer: platform.issuer, clientId: platform.clientId, deploymentId: claims[CLAIM.deploymentId] },
    user: {
      sub: claims.sub,
      name: cleanOptional(claims.name),
      givenName: cleanOptional(claims.given_name),
      familyName: cleanOptional(claims.family_name),
      email: cleanOptional(claims.email),
    },
    context: { id: context.id, title: cleanOptional(context.title), label: cleanOptional(context.label) },
    ltiRoles,
    role: mapRoles(ltiRoles),
    resourceLink: resourceLink && { id: resourceLink.id, title: cleanOptional(resourceLink.title) },
    language: languageFromLocale(claims.locale ?? presentation?.locale),
    custom: Object.fromEntries(
      Object.entries(claims[CLAIM.custom] ?? {}).map(([k, v]) => [
        clean(k).slice(0, 64),
        clean(String(v)).slice(0, 1024),
      ]),
    ),
    ags: ags && { lineitem: ags.lineitem, lineitems: ags.lineitems, scopes: ags.scope },
    nrps: nrps && { membershipsUrl: nrps.context_memberships_url },
    deepLinking: deepLinking && {
      returnUrl: deepLinking.deep_link_return_url,
      acceptTypes: deepLinking.accept_types,
      acceptMultiple: deepLinking.accept_multiple ?? false,
      data: deepLinking.data,
    },
    returnUrl: presentation?.return_url,
  };
}
