import crypto from 'node:crypto';
import {
  Op,
  QueryTypes,
  UniqueConstraintError,
  type InferCreationAttributes,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import type { LaunchContext } from '../../../lti/launch-context';
import { LOGIN_STATE_TTL_MS } from '../../../lti/login-state';
import type { SiltaRole } from '../../../lti/roles';
import { LtiError, SiltaError } from '../../errors';
import { isLanguage, type Language } from '../../i18n';
import { Context, LaunchSession, Membership, ResourceLink, User } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import { upsertRow, type UpsertRow } from '../../store/upsert';
import { launchesTotal } from '../../ops/metrics';
import { platformLaunched } from '../grades/platform-health.service';
import { isErasedSub } from '../privacy/personal-data';
import { noteActive } from '../privacy/user-activity';

/** A launch session as the rest of the app sees it: who, where, in which role and language. */
export type Launch = {
  sessionId: string;
  messageType: string;
  role: SiltaRole;
  language: Language;
  custom: Record<string, string>;
  /** The registration (client id) and deployment this launch came through. */
  platform: { issuer: string; clientId: string; deploymentId: string };
  user: User;
  context: Context;
  resourceLink: ResourceLink | null;
  deepLinking: LaunchContext['deepLinking'] | null;
  returnUrl: string | null;
  expiresAt: Date;
};

/**
 * Rows this process wrote recently, with a digest of the values, so a repeat launch by the same
 * person into the same course (the usual case) writes only its session. Entries expire, so a
 * change made through another instance is written again within minutes.
 */
const written = new Map<string, { id: number; digest: string; at: number }>();
const WRITTEN_TTL_MS = 10 * 60_000;
const WRITTEN_MAX = 20_000;

/** Forgets the rows written recently; after an erasure, the erased user must not be found here. */
export function forgetLaunchRecords(): void {
  written.clear();
}

const keyOf = (u: UpsertRow) => `${u.model.name}|${JSON.stringify(u.key)}`;

/** The row id when this process wrote exactly these values recently. */
function cachedId(u: UpsertRow): number | undefined {
  const cached = written.get(keyOf(u));
  return cached && cached.digest === JSON.stringify(u.values) && Date.now() - cached.at < WRITTEN_TTL_MS
    ? cached.id
    : undefined;
}

/** Writes a row by its unique key in one statement and returns its id; skips the database when this process wrote the same values recently. */
async function upsert(u: UpsertRow, transaction: Transaction): Promise<number> {
  const hit = cachedId(u);
  if (hit !== undefined) return hit;
  const id = await upsertRow(u, transaction);
  if (written.size >= WRITTEN_MAX) written.clear();
  // Remember only after the transaction commits: a rolled-back row must be written again.
  const entry = { id, digest: JSON.stringify(u.values), at: Date.now() };
  transaction.afterCommit(() => {
    written.set(keyOf(u), entry);
  });
  return id;
}

/** A recorded launch: its session token, and the launch as the first page shows it. */
export type RecordedLaunch = { token: string; opened: () => Promise<Launch> };

/**
 * Stores what a validated launch says (user, course, resource link, role) and opens a launch
 * session, all in one transaction. Name and email are stored only when the platform sent them.
 * The session keeps the id_token's nonce under a unique index: a replayed launch is refused and
 * writes nothing. `opened()` gives the launch without reading it back when every stored value
 * came from this launch (decision 0020), else it loads the session as any later request does.
 */
export async function recordLaunch(
  sequelize: Sequelize,
  launch: LaunchContext,
  sessionHours: number,
): Promise<RecordedLaunch> {
  try {
    const { row, ids } = await openLaunchSession(sequelize, launch, sessionHours);
    launchesTotal.inc({ message_type: launch.messageType });
    // A launch shows the platform is up: a failing score service gets its probe now. Not awaited,
    // and its failure is not the launch's (the probe keeps its schedule).
    platformLaunched(launch.platform).catch(() => undefined);
    const known = launchFromMemory(launch, row, ids);
    return { token: row.id, opened: async () => known ?? loadLaunch(sequelize, row.id) };
  } catch (error) {
    // User, course, link and membership are upserts: the one unique key left to violate is the nonce's.
    if (error instanceof UniqueConstraintError && error.errors.some((item) => item.path === 'nonce'))
      throw new LtiError('lti_state_mismatch', 'nonce already used');
    throw error;
  }
}

type SessionRow = ReturnType<typeof sessionRow>;
type Ids = { userId: number; contextId: number; resourceLinkId: number | null };

async function openLaunchSession(
  sequelize: Sequelize,
  launch: LaunchContext,
  sessionHours: number,
): Promise<{ row: SessionRow; ids: Ids }> {
  const { issuer, clientId, deploymentId } = launch.platform;
  const user: UpsertRow = {
    model: User as never,
    key: { issuer, sub: launch.user.sub },
    values: Object.fromEntries(
      Object.entries({
        name: launch.user.name,
        givenName: launch.user.givenName,
        familyName: launch.user.familyName,
        email: launch.user.email,
      }).filter(([, v]) => v !== undefined),
    ),
  };
  const context: UpsertRow = {
    model: Context as never,
    key: { issuer, ltiContextId: launch.context.id },
    values: {
      clientId,
      deploymentId,
      title: launch.context.title ?? null,
      label: launch.context.label ?? null,
      ...(launch.nrps ? { nrpsUrl: launch.nrps.membershipsUrl } : {}),
    },
  };
  const linkValues = {
    title: launch.resourceLink?.title ?? null,
    custom: JSON.stringify(launch.custom),
    ...(launch.ags
      ? {
          agsLineitem: launch.ags.lineitem ?? null,
          agsLineitems: launch.ags.lineitems ?? null,
          agsScopes: JSON.stringify(launch.ags.scopes),
        }
      : {}),
  };
  const link = (contextId: number): UpsertRow | null =>
    launch.resourceLink
      ? {
          model: ResourceLink as never,
          key: { contextId, ltiResourceLinkId: launch.resourceLink.id },
          values: linkValues,
        }
      : null;
  const membership = (userId: number, contextId: number): UpsertRow => ({
    model: Membership as never,
    key: { userId, contextId },
    values: { role: launch.role, ltiRoles: JSON.stringify(launch.ltiRoles) },
  });
  const session = (userId: number, contextId: number, resourceLinkId: number | null) =>
    sessionRow(launch, sessionHours, { userId, contextId, resourceLinkId });

  // A repeat launch with nothing changed is one INSERT, with no transaction around it. It inserts
  // only while the remembered user row still belongs to this person: a user erased or removed
  // by another instance meanwhile makes it insert nothing, and the launch is written in full.
  const userId = cachedId(user);
  const contextId = cachedId(context);
  if (userId !== undefined && contextId !== undefined) {
    const linkUpsert = link(contextId);
    const resourceLinkId = linkUpsert ? cachedId(linkUpsert) : null;
    if (resourceLinkId !== undefined && cachedId(membership(userId, contextId)) !== undefined) {
      const row = session(userId, contextId, resourceLinkId);
      if (await insertSessionOfKnownUser(sequelize, row, { issuer, sub: launch.user.sub })) {
        await noteActive(userId);
        return { row, ids: { userId, contextId, resourceLinkId } };
      }
      forgetLaunchRecords();
    }
  }

  return inTransaction(sequelize, async (transaction) => {
    const userId = await upsert(user, transaction);
    const contextId = await upsert(context, transaction);
    const linkUpsert = link(contextId);
    const resourceLinkId = linkUpsert ? await upsert(linkUpsert, transaction) : null;
    await upsert(membership(userId, contextId), transaction);
    const row = session(userId, contextId, resourceLinkId);
    await insertSession(sequelize, row, transaction);
    await noteActive(userId, transaction);
    return { row, ids: { userId, contextId, resourceLinkId } };
  });
}

/** The launch_sessions row of a launch. */
function sessionRow(launch: LaunchContext, sessionHours: number, ids: Ids) {
  const { clientId, deploymentId } = launch.platform;
  return {
    id: crypto.randomBytes(24).toString('base64url'),
    nonce: launch.nonce,
    ...ids,
    clientId,
    deploymentId,
    messageType: launch.messageType,
    role: launch.role,
    locale: launch.language,
    custom: JSON.stringify(launch.custom),
    deepLinking: launch.deepLinking ? JSON.stringify(launch.deepLinking) : null,
    returnUrl: launch.returnUrl ?? null,
    expiresAt: new Date(Date.now() + sessionHours * 3600_000),
  };
}

/**
 * The launch exactly as `loadLaunch` would read it back, built from what was just written, or
 * null when a stored value did not come from this launch (a field the platform left out keeps
 * its earlier value in the row): then the first page reads the session (decision 0020).
 */
function launchFromMemory(launch: LaunchContext, row: SessionRow, ids: Ids): Launch | null {
  const { user: u, context: c, resourceLink: r } = launch;
  if (u.name === undefined || u.givenName === undefined || u.familyName === undefined || u.email === undefined)
    return null;
  if (!launch.nrps || (r && !launch.ags)) return null;
  const { issuer, clientId, deploymentId } = launch.platform;
  const built = { isNewRecord: false, raw: true };
  const user = User.build(
    {
      id: ids.userId,
      issuer,
      sub: u.sub,
      name: u.name,
      givenName: u.givenName,
      familyName: u.familyName,
      email: u.email,
    },
    built,
  );
  const context = Context.build(
    {
      id: ids.contextId,
      issuer,
      clientId,
      deploymentId,
      ltiContextId: c.id,
      title: c.title ?? null,
      label: c.label ?? null,
      nrpsUrl: launch.nrps.membershipsUrl,
    },
    built,
  );
  const ags = launch.ags;
  const resourceLink =
    r && ags && ids.resourceLinkId !== null
      ? ResourceLink.build(
          {
            id: ids.resourceLinkId,
            contextId: ids.contextId,
            ltiResourceLinkId: r.id,
            title: r.title ?? null,
            custom: row.custom,
            agsLineitem: ags.lineitem ?? null,
            agsLineitems: ags.lineitems ?? null,
            agsScopes: JSON.stringify(ags.scopes),
          },
          built,
        )
      : null;
  return {
    sessionId: row.id,
    messageType: row.messageType,
    role: row.role,
    language: launch.language,
    custom: launch.custom,
    platform: { issuer, clientId, deploymentId },
    user,
    context,
    resourceLink,
    deepLinking: launch.deepLinking ?? null,
    returnUrl: row.returnUrl,
    expiresAt: row.expiresAt,
  };
}

const INSERT_SESSION_SQL = `
INSERT INTO launch_sessions (id, nonce, user_id, context_id, resource_link_id, client_id, deployment_id, message_type, role, locale, custom, deep_linking, return_url, expires_at, created_at)
VALUES (:id, :nonce, :userId, :contextId, :resourceLinkId, :clientId, :deploymentId, :messageType, :role, :locale, :custom, :deepLinking, :returnUrl, :expiresAt, :createdAt)`;

/** Opens a launch session with one plain INSERT: this runs on every launch, and a model instance costs twice the CPU. */
async function insertSession(
  sequelize: Sequelize,
  row: Omit<InferCreationAttributes<LaunchSession>, 'createdAt'>,
  transaction?: Transaction,
): Promise<void> {
  await sequelize.query(INSERT_SESSION_SQL, {
    replacements: { ...row, createdAt: new Date() },
    type: QueryTypes.INSERT,
    transaction,
  });
}

const INSERT_KNOWN_SQL = `/* session */
INSERT INTO launch_sessions (id, nonce, user_id, context_id, resource_link_id, client_id, deployment_id, message_type, role, locale, custom, deep_linking, return_url, expires_at, created_at)
SELECT :id, :nonce, :userId, :contextId, :resourceLinkId, :clientId, :deploymentId, :messageType, :role, :locale, :custom, :deepLinking, :returnUrl, :expiresAt, :createdAt
WHERE EXISTS (SELECT 1 FROM users WHERE id = :userId AND issuer = :issuer AND sub = :sub)
RETURNING id`;

/**
 * Opens a launch session for a user id this process remembers, in one statement that checks the
 * row is still that person's. False when it inserted nothing. (The leading comment keeps
 * Sequelize's SQLite dialect reading the RETURNING row, as in store/upsert.ts.)
 */
async function insertSessionOfKnownUser(
  sequelize: Sequelize,
  row: Omit<InferCreationAttributes<LaunchSession>, 'createdAt'>,
  person: { issuer: string; sub: string },
): Promise<boolean> {
  const rows = await sequelize.query(INSERT_KNOWN_SQL, {
    replacements: { ...row, ...person, createdAt: new Date() },
    type: QueryTypes.SELECT,
  });
  return rows.length > 0;
}

const SESSION_ID = /^[A-Za-z0-9_-]{32}$/;

// One statement for the session and everything it points at (this runs on every request).
const LOAD_SQL = `
SELECT s.id AS s_id, s.message_type, s.role, s.locale, s.custom AS s_custom, s.deep_linking, s.return_url, s.expires_at,
       s.client_id AS s_client_id, s.deployment_id AS s_deployment_id,
       u.id AS u_id, u.issuer AS u_issuer, u.sub, u.name, u.given_name, u.family_name, u.email,
       c.id AS c_id, c.issuer AS c_issuer, c.client_id AS c_client_id, c.deployment_id AS c_deployment_id, c.lti_context_id, c.title AS c_title, c.label, c.nrps_url,
       r.id AS r_id, r.lti_resource_link_id, r.title AS r_title, r.custom AS r_custom, r.ags_lineitem, r.ags_lineitems, r.ags_scopes
FROM launch_sessions s
JOIN users u ON u.id = s.user_id
JOIN contexts c ON c.id = s.context_id
LEFT JOIN resource_links r ON r.id = s.resource_link_id
WHERE s.id = :id`;

type LoadRow = Record<string, string | number | null>;
const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

/** Loads a launch session by its token; an unknown or expired token is `session_expired`. */
export async function loadLaunch(sequelize: Sequelize, sessionId: unknown): Promise<Launch> {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId))
    throw new SiltaError('session_expired', 'unauthorized');
  const [row] = await sequelize.query<LoadRow>(LOAD_SQL, { replacements: { id: sessionId }, type: QueryTypes.SELECT });
  if (!row || date(row.expires_at).getTime() < Date.now()) throw new SiltaError('session_expired', 'unauthorized');
  if (isErasedSub(String(row.sub))) {
    // A launch attached to a user erased by another process (the CLI, another instance) through
    // this process's cache: forget it, so launching again makes a new user.
    forgetLaunchRecords();
    throw new SiltaError('session_expired', 'unauthorized');
  }
  const built = { isNewRecord: false, raw: true };
  const user = User.build(
    {
      id: Number(row.u_id),
      issuer: String(row.u_issuer),
      sub: String(row.sub),
      name: row.name as string | null,
      givenName: row.given_name as string | null,
      familyName: row.family_name as string | null,
      email: row.email as string | null,
    },
    built,
  );
  const context = Context.build(
    {
      id: Number(row.c_id),
      issuer: String(row.c_issuer),
      clientId: String(row.c_client_id),
      deploymentId: String(row.c_deployment_id),
      ltiContextId: String(row.lti_context_id),
      title: row.c_title as string | null,
      label: row.label as string | null,
      nrpsUrl: row.nrps_url as string | null,
    },
    built,
  );
  const resourceLink =
    row.r_id === null
      ? null
      : ResourceLink.build(
          {
            id: Number(row.r_id),
            contextId: Number(row.c_id),
            ltiResourceLinkId: String(row.lti_resource_link_id),
            title: row.r_title as string | null,
            custom: row.r_custom as string | null,
            agsLineitem: row.ags_lineitem as string | null,
            agsLineitems: row.ags_lineitems as string | null,
            agsScopes: row.ags_scopes as string | null,
          },
          built,
        );
  const locale = row.locale;
  return {
    sessionId,
    messageType: String(row.message_type),
    role: row.role as SiltaRole,
    language: isLanguage(locale) ? locale : 'fi',
    custom: row.s_custom ? (JSON.parse(String(row.s_custom)) as Record<string, string>) : {},
    platform: {
      issuer: String(row.u_issuer),
      clientId: String(row.s_client_id),
      deploymentId: String(row.s_deployment_id),
    },
    user,
    context,
    resourceLink,
    deepLinking: row.deep_linking ? (JSON.parse(String(row.deep_linking)) as LaunchContext['deepLinking']) : null,
    returnUrl: row.return_url as string | null,
    expiresAt: date(row.expires_at),
  };
}

/** The user's own language choice for the rest of this launch session. */
export async function chooseLanguage(sessionId: string, language: Language): Promise<void> {
  await LaunchSession.update({ locale: language }, { where: { id: sessionId } });
}

/**
 * Ends a deep-linking session once its response was sent, so it cannot be replayed. The row stays
 * (expired) until purged, keeping its nonce while the login state could still be presented.
 */
export async function endSession(sessionId: string): Promise<void> {
  await LaunchSession.update({ expiresAt: new Date() }, { where: { id: sessionId } });
}

/** Removes expired launch sessions once their login state has expired too (their nonce can no longer come back). */
export async function purgeExpiredSessions(): Promise<number> {
  return LaunchSession.destroy({ where: { expiresAt: { [Op.lt]: new Date(Date.now() - LOGIN_STATE_TTL_MS) } } });
}
