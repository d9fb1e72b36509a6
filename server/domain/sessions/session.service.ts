import crypto from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import { LiveSession, SessionCluster, SessionNote, SessionVote } from '../../store/session-models';
import { inTransaction } from '../../store/transaction';
import type { ParticipantView, SessionState, VotesView } from '../../sockets/session-events';
import type { Launch } from '../launches/launch.service';
import { isFacilitator, requireFacilitator, type SessionActor } from './session.policy';
import { displayNames } from '../people/display-names';
import {
  authorHandle,
  presenceKey,
  presentCluster,
  presentNote,
  presentSession,
  presentTemplate,
  type Viewer,
} from './session.presenter';
import type { CreateSessionInput } from './session.schema';
import type { SessionTemplate } from './session-template';
import { upsertParticipant } from './session-rows';

/** The actor of a launch (HTTP pages). */
export const actorOf = (launch: Launch): SessionActor => ({
  userId: launch.user.id,
  contextId: launch.context.id,
  role: launch.role,
  language: launch.language,
});

/** The session placed at the launch's resource link, if the facilitator has started it. */
export async function sessionOfLink(launch: Launch): Promise<LiveSession | null> {
  if (!launch.resourceLink) return null;
  return LiveSession.findOne({ where: { resourceLinkId: launch.resourceLink.id, contextId: launch.context.id } });
}

/**
 * A facilitator creates a session in the launch's course, bound to the launch's resource link
 * when there is one (a link has at most one session: a second create returns the first).
 */
export async function createSession(props: {
  sequelize: Sequelize;
  launch: Launch;
  templates: ReadonlyMap<string, SessionTemplate>;
  input: CreateSessionInput;
}): Promise<LiveSession> {
  const { launch, input } = props;
  requireFacilitator(actorOf(launch));
  const template = props.templates.get(input.template);
  if (!template) throw new SiltaError('session_template_unknown', 'bad_request', input.template);
  return inTransaction(props.sequelize, async (transaction) => {
    const linkId = launch.resourceLink?.id ?? null;
    if (linkId !== null) {
      const existing = await LiveSession.findOne({ where: { resourceLinkId: linkId }, transaction });
      if (existing) return existing;
    }
    return LiveSession.create(
      {
        contextId: launch.context.id,
        resourceLinkId: linkId,
        title: input.title,
        language: input.language,
        templateKey: template.key,
        template: JSON.stringify(template),
        anonymous: input.anonymous,
        completionReporting: input.completionReporting,
        voteBudget: input.voteBudget ?? template.voteBudget,
        lockedPhases: '[]',
        phase: template.phases[0].key,
        authorSalt: crypto.randomBytes(16).toString('base64url'),
        createdBy: launch.user.id,
      },
      { transaction },
    );
  });
}

/**
 * Remembers that a user took part (with their region), for the facilitator and completions. One
 * upsert on the (session, user) key: two tabs of one person joining at once must not collide.
 */
export async function recordParticipant(
  sequelize: Sequelize,
  sessionId: number,
  userId: number,
  regionCode: string | null,
): Promise<void> {
  await upsertParticipant(sequelize, { sessionId, userId, regionCode });
}

/** Votes as the viewer may see them (decision 0007). */
async function votesFor(session: LiveSession, viewer: Viewer, noteIds: Map<number, string>): Promise<VotesView> {
  const votes = await SessionVote.findAll({ where: { sessionId: session.id } });
  const mine: Record<string, number> = {};
  const totals: Record<string, number> = {};
  let used = 0;
  for (const vote of votes) {
    const noteId = noteIds.get(vote.noteId);
    if (!noteId) continue;
    totals[noteId] = (totals[noteId] ?? 0) + vote.count;
    if (vote.voterId === viewer.userId) {
      mine[noteId] = vote.count;
      used += vote.count;
    }
  }
  return { mine, used, totals: viewer.facilitator || session.votesRevealed ? totals : null };
}

/**
 * The whole state of a session for one viewer. The seq is read first, so the rows are at least
 * as new as it; events after it may already be included, which is harmless because every event
 * carries absolute values (decision 0007).
 */
export async function loadState(
  session: LiveSession,
  viewer: Viewer,
  participants: ParticipantView[],
): Promise<SessionState> {
  await session.reload();
  const [notes, clusters] = await Promise.all([
    SessionNote.findAll({ where: { sessionId: session.id, deletedAt: null }, order: [['id', 'ASC']] }),
    SessionCluster.findAll({ where: { sessionId: session.id, deletedAt: null }, order: [['id', 'ASC']] }),
  ]);
  const names = await displayNames(
    notes.map((n) => n.authorId),
    viewer.language,
  );
  const votes = await votesFor(session, viewer, new Map(notes.map((n) => [n.id, n.clientId])));
  return {
    seq: session.seq,
    serverNow: new Date().toISOString(),
    session: presentSession(session),
    template: presentTemplate(JSON.parse(session.template) as SessionTemplate, viewer.language),
    notes: notes.map((n) => presentNote(n, session, names.get(n.authorId) ?? null)),
    clusters: clusters.map(presentCluster),
    votes,
    participants,
    me: {
      handle: authorHandle(session, viewer.userId),
      presenceKey: presenceKey(session, viewer.userId),
      facilitator: viewer.facilitator,
    },
  };
}

/** The viewer of an actor. */
export const viewerOf = (actor: SessionActor): Viewer => ({
  userId: actor.userId,
  facilitator: isFacilitator(actor),
  language: actor.language,
});
