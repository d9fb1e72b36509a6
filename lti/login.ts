import crypto from 'node:crypto';
import { z } from 'zod';
import { LtiError } from '../server/errors';
import { signLoginState } from './login-state';
import type { PlatformRegistry } from './platforms';

export const loginSchema = z.object({
  iss: z.string().url().max(512),
  login_hint: z.string().min(1).max(4096),
  target_link_uri: z.string().url().max(2048),
  lti_message_hint: z.string().max(4096).optional(),
  client_id: z.string().min(1).max(255).optional(),
  lti_deployment_id: z.string().max(255).optional(),
});

const randomToken = () => crypto.randomBytes(24).toString('base64url');

/**
 * OIDC third-party login initiation. The state carries the nonce, signed (not in a cookie, which
 * a browser refuses inside a cross-site iframe); the launch records the nonce once. Returns the
 * platform authorisation URL to redirect the browser to.
 */
export async function beginLogin(
  deps: { registry: PlatformRegistry; publicUrl: string; stateKey: Buffer },
  params: unknown,
): Promise<string> {
  const parsed = loginSchema.safeParse(params);
  if (!parsed.success)
    throw new LtiError(
      'lti_login_parameters',
      parsed.error.issues.map((i) => i.path.join('.')).join(','),
      'bad_request',
    );
  const login = parsed.data;
  if (new URL(login.target_link_uri).origin !== new URL(deps.publicUrl).origin) {
    throw new LtiError(
      'lti_login_parameters',
      `target_link_uri outside Silta: ${login.target_link_uri}`,
      'bad_request',
    );
  }
  const platform = await deps.registry.find(login.iss, login.client_id);
  if (!platform)
    throw new LtiError('lti_unregistered_platform', `${login.iss} ${login.client_id ?? ''}`, 'bad_request');

  const nonce = randomToken();
  const state = signLoginState({ issuer: platform.issuer, clientId: platform.clientId, nonce }, deps.stateKey);

  const auth = new URL(platform.authEndpoint);
  const query: Record<string, string | undefined> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
    client_id: platform.clientId,
    redirect_uri: `${deps.publicUrl}/lti/launch`,
    login_hint: login.login_hint,
    lti_message_hint: login.lti_message_hint,
    state,
    nonce,
  };
  for (const [key, value] of Object.entries(query)) if (value !== undefined) auth.searchParams.set(key, value);
  return auth.toString();
}
