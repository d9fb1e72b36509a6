import crypto from 'node:crypto';
import type { Model, ModelStatic, Sequelize, Transaction, WhereOptions } from 'sequelize';
import type { LaunchContext } from '../../../lti/launch-context';
import type { SiltaRole } from '../../../lti/roles';
import { SiltaError } from '../../errors';
import { isLanguage, type Language } from '../../i18n';
import { Context, LaunchSession, Membership, ResourceLink, User } from '../../store/models';

/** A launch session as the rest of the app sees it: who, where, in which role and language. */
export type Launch = {
  sessionId: string;
  messageType: string;
  role: SiltaRole;
  language: Language;
  custom: Record<string, string>;
  user: User;
  context: Context;
  resourceLink: ResourceLink | null;
  deepLinking: LaunchContext['deepLinking'] | null;
  returnUrl: string | null;
  expiresAt: Date;
};

/** Upserts by a unique key and returns the row; no write when nothing changed. */
async function upsert<M extends Model>(model: ModelStatic<M>, where: WhereOptions, values: Record<string, unknown>, transaction: Transaction): Promise<M> {
  const row = await model.findOne({ where, transaction });
  if (!row) return model.create({ ...where, ...values } as M['_creationAttributes'], { transaction });
  row.set(values as Partial<M['_attributes']>);
  if (row.changed()) await row.save({ transaction });
  return row;
}

/**
 * Stores what a validated launch says (user, course, resource link, role) and opens a launch
 * session, all in one transaction. Name and email are stored only when the platform sent them.
 */
export async function recordLaunch(sequelize: Sequelize, launch: LaunchContext, sessionHours: number): Promise<string> {
  const { issuer, clientId, deploymentId } = launch.platform;
  return sequelize.transaction(async (transaction) => {
    const user = await upsert(
      User,
      { issuer, sub: launch.user.sub },
      Object.fromEntries(Object.entries({ name: launch.user.name, givenName: launch.user.givenName, familyName: launch.user.familyName, email: launch.user.email }).filter(([, v]) => v !== undefined)),
      transaction,
    );
    const context = await upsert(
      Context,
      { issuer, ltiContextId: launch.context.id },
      { clientId, deploymentId, title: launch.context.title ?? null, label: launch.context.label ?? null, ...(launch.nrps ? { nrpsUrl: launch.nrps.membershipsUrl } : {}) },
      transaction,
    );
    const resourceLink = launch.resourceLink
      ? await upsert(
          ResourceLink,
          { contextId: context.id, ltiResourceLinkId: launch.resourceLink.id },
          {
            title: launch.resourceLink.title ?? null,
            custom: JSON.stringify(launch.custom),
            ...(launch.ags ? { agsLineitem: launch.ags.lineitem ?? null, agsLineitems: launch.ags.lineitems ?? null, agsScopes: JSON.stringify(launch.ags.scopes) } : {}),
          },
          transaction,
        )
      : null;
    await upsert(Membership, { userId: user.id, contextId: context.id }, { role: launch.role, ltiRoles: JSON.stringify(launch.ltiRoles) }, transaction);
    const sessionId = crypto.randomBytes(24).toString('base64url');
    await LaunchSession.create(
      {
        id: sessionId,
        userId: user.id,
        contextId: context.id,
        resourceLinkId: resourceLink?.id ?? null,
        messageType: launch.messageType,
        role: launch.role,
        locale: launch.language,
        custom: JSON.stringify(launch.custom),
        deepLinking: launch.deepLinking ? JSON.stringify(launch.deepLinking) : null,
        returnUrl: launch.returnUrl ?? null,
        expiresAt: new Date(Date.now() + sessionHours * 3600_000),
      },
      { transaction },
    );
    return sessionId;
  });
}

const SESSION_ID = /^[A-Za-z0-9_-]{32}$/;

/** Loads a launch session by its token; an unknown or expired token is `session_expired`. */
export async function loadLaunch(sessionId: unknown): Promise<Launch> {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) throw new SiltaError('session_expired', 'unauthorized');
  const session = await LaunchSession.findByPk(sessionId);
  if (!session || session.expiresAt.getTime() < Date.now()) throw new SiltaError('session_expired', 'unauthorized');
  const [user, context, resourceLink] = await Promise.all([
    User.findByPk(session.userId),
    Context.findByPk(session.contextId),
    session.resourceLinkId ? ResourceLink.findByPk(session.resourceLinkId) : Promise.resolve(null),
  ]);
  if (!user || !context) throw new SiltaError('session_expired', 'unauthorized');
  return {
    sessionId,
    messageType: session.messageType,
    role: session.role as SiltaRole,
    language: isLanguage(session.locale) ? session.locale : 'fi',
    custom: session.custom ? (JSON.parse(session.custom) as Record<string, string>) : {},
    user,
    context,
    resourceLink,
    deepLinking: session.deepLinking ? (JSON.parse(session.deepLinking) as LaunchContext['deepLinking']) : null,
    returnUrl: session.returnUrl,
    expiresAt: session.expiresAt,
  };
}

/** The user's own language choice for the rest of this launch session. */
export async function chooseLanguage(sessionId: string, language: Language): Promise<void> {
  await LaunchSession.update({ locale: language }, { where: { id: sessionId } });
}

/** Ends a deep-linking session once its response was sent, so it cannot be replayed. */
export async function endSession(sessionId: string): Promise<void> {
  await LaunchSession.destroy({ where: { id: sessionId } });
}
