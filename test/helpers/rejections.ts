import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import type { Response } from 'supertest';
import type { LaunchRequest, TokenTamper } from '../../lti/dev-platform/dev-platform';
import { hasKey, translator, type Language } from '../../server/i18n';
import { Context, LaunchSession, Membership, ResourceLink, User } from '../../server/store/models';
import { loginAndAuthorize } from './launch';
import type { TestSilta } from './test-app';

/** Rows a launch writes; a rejected launch must leave every count as it was. */
export async function storedRows() {
  const [users, contexts, resourceLinks, memberships, launchSessions] = await Promise.all([
    User.count(),
    Context.count(),
    ResourceLink.count(),
    Membership.count(),
    LaunchSession.count(),
  ]);
  return { users, contexts, resourceLinks, memberships, launchSessions };
}

/**
 * Asserts an error response: its status, its stable code and the code's message in `lang`, as a
 * page (`<code>CODE</code>`) or as JSON (`{ error: { code, message } }`).
 */
export function assertRejection(response: Response, expected: { status: number; code: string; lang: Language }) {
  const { status, code, lang } = expected;
  assert.equal(response.status, status, `status for ${code}: ${response.text.slice(0, 300)}`);
  assert.ok(hasKey(lang, `errors.${code}`), `errors.${code} is translated to ${lang}`);
  const message = translator(lang)(`errors.${code}`);
  if (lang !== 'fi')
    assert.notEqual(message, translator('fi')(`errors.${code}`), `errors.${code} in ${lang} differs from Finnish`);
  if (/json/.test(String(response.headers['content-type']))) {
    assert.deepEqual(response.body, { error: { code, message } });
    return;
  }
  assert.match(String(response.headers['content-type']), /html/);
  assert.ok(
    response.text.includes(`<code>${code}</code>`),
    `page shows <code>${code}</code>: ${response.text.slice(0, 500)}`,
  );
  assert.ok(response.text.includes(`<html lang="${lang}">`), `page is in ${lang}`);
  assert.ok(
    response.text.includes(Handlebars.Utils.escapeExpression(message)),
    `page shows the ${lang} message of ${code}`,
  );
}

/** Runs the login and authorisation with the next id_token changed by `tamper`. */
export async function tamperedLaunch(t: TestSilta, tamper: TokenTamper, request: Partial<LaunchRequest> = {}) {
  t.devPlatform.tamper = tamper;
  try {
    return await loginAndAuthorize(t, request);
  } finally {
    t.devPlatform.tamper = undefined;
  }
}

/** Posts an id_token and state as the platform's auto-submitted form would, in a browser language. */
export function postLaunch(
  t: TestSilta,
  fields: Record<string, unknown> | string,
  options: { lang?: Language; json?: boolean } = {},
) {
  const request = t
    .request()
    .post('/lti/launch')
    .type('form')
    .set('Accept-Language', `${options.lang ?? 'fi'},en;q=0.5`);
  if (options.json) request.set('Accept', 'application/json');
  return request.send(fields as string | Record<string, string>);
}
