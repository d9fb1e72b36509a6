import crypto from 'node:crypto';
import type supertest from 'supertest';
import { createAdmin } from '../../server/domain/admin/admin-auth.service';
import { AdminLoginThrottle } from '../../server/store/admin-models';
import type { TestSilta } from '../helpers/test-app';

let seq = 0;

/** A fresh admin account (straight through the service); returns its credentials. */
export async function newAdmin(t: TestSilta): Promise<{ username: string; password: string }> {
  const username = `admin-${++seq}-${crypto.randomBytes(3).toString('hex')}`;
  const password = `pw-${crypto.randomBytes(12).toString('base64url')}`;
  await createAdmin({ sequelize: t.silta.sequelize, username, password });
  return { username, password };
}

/** The CSRF token in the form of the page at `path`, fetched with the agent's session. */
export async function csrfOf(agent: supertest.Agent, path: string, lang = 'en'): Promise<string> {
  const page = await agent.get(path).set('accept-language', lang);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
  return token;
}

/** Posts the login form with a fresh CSRF token; returns the answer. */
export async function logIn(agent: supertest.Agent, credentials: { username: string; password: string }) {
  const token = await csrfOf(agent, '/admin/login');
  return agent
    .post('/admin/login')
    .type('form')
    .set('accept-language', 'en')
    .send({ _csrf: token, ...credentials });
}

/** A supertest agent (with its cookie jar) logged in as a fresh admin. */
export async function adminAgent(t: TestSilta): Promise<supertest.Agent> {
  const agent = t.request();
  const response = await logIn(agent, await newAdmin(t));
  if (response.status !== 303) throw new Error(`admin login failed: ${response.status}`);
  return agent;
}

/** Posts an admin form with the CSRF token of the page it is on. */
export async function postForm(
  agent: supertest.Agent,
  page: string,
  action: string,
  fields: Record<string, string | string[]> = {},
) {
  const token = await csrfOf(agent, page);
  return agent
    .post(action)
    .type('form')
    .set('accept-language', 'en')
    .send({ _csrf: token, ...fields });
}

/** Forgets every failed-login count: all tests log in from 127.0.0.1. */
export async function clearThrottles(): Promise<void> {
  await AdminLoginThrottle.destroy({ where: {} });
}
