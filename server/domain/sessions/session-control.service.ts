import { Op, type Sequelize, type Transaction } from 'sequelize';
import { SiltaError } from '../../errors';
import { Context, ResourceLink } from '../../store/models';
import { LiveSession, SessionNote, SessionVote } from '../../store/session-models';
import { enqueueScore } from '../grades/grade-outbox.service';
import { lockedPhasesOf, requireFacilitator, type SessionActor } from './session.policy';
import { timerView } from './session.presenter';
import type { LockInput } from './session.schema';
import { noteOf } from './note.service';
import { runMutation } from './session-mutation';

type Base = { sequelize: Sequelize; actor: SessionActor; sessionId: number; clientId: string };

/**
 * Casts (+1) or retracts (-1) one dot on a note. The budget is checked in the transaction that
 * writes the vote, so parallel casts cannot exceed it. The event stores the voter and both counts;
 * who sees which is decided per viewer (decision 0007).
 */
export function vote(props: Base & { noteId: string; delta: 1 | -1 }) {
  return runMutation({
    ...props,
    type: props.delta === 1 ? 'vote:casted' : 'vote:retracted',
    apply: async ({ session, transaction }) => {
      const { id: noteId } = await noteOf(props.sequelize, session, props.noteId, transaction);
      const voterId = props.actor.userId;
      const mine = await SessionVote.findOne({ where: { noteId, voterId }, transaction });
      const count = (mine?.count ?? 0) + props.delta;
      if (props.delta === 1) {
        const used = (await SessionVote.sum('count', { where: { sessionId: session.id, voterId }, transaction })) || 0;
        if (used + 1 > session.voteBudget)
          throw new SiltaError('vote_budget_exceeded', 'conflict', undefined, { budget: session.voteBudget });
      } else if (!mine) throw new SiltaError('vote_not_found', 'conflict');
      if (!mine) await SessionVote.create({ sessionId: session.id, noteId, voterId, count }, { transaction });
      else if (count > 0) await mine.update({ count }, { transaction });
      else await mine.destroy({ transaction });
      const total = (await SessionVote.sum('count', { where: { noteId }, transaction })) || 0;
      return { noteId: props.noteId, voterId, mine: count, total };
    },
  });
}

/** The facilitator shows every vote total to everyone. */
export function revealVotes(props: Base) {
  return runMutation({
    ...props,
    type: 'votes:revealed',
    apply: async ({ session, transaction }) => {
      requireFacilitator(props.actor);
      session.set({ votesRevealed: true });
      const notes = await SessionNote.findAll({
        where: { sessionId: session.id, deletedAt: null },
        attributes: ['id', 'clientId'],
        transaction,
      });
      const byRow = new Map(notes.map((n) => [n.id, n.clientId]));
      const totals: Record<string, number> = {};
      for (const v of await SessionVote.findAll({ where: { sessionId: session.id }, transaction })) {
        const noteId = byRow.get(v.noteId);
        if (noteId) totals[noteId] = (totals[noteId] ?? 0) + v.count;
      }
      return { totals };
    },
  });
}

/** The facilitator hides the totals again. */
export function hideVotes(props: Base) {
  return runMutation({
    ...props,
    type: 'votes:hidden',
    apply: async ({ session }) => {
      requireFacilitator(props.actor);
      session.set({ votesRevealed: false });
      return {};
    },
  });
}

/** The facilitator sets the per-person budget; dots already cast stay. */
export function setBudget(props: Base & { voteBudget: number }) {
  return runMutation({
    ...props,
    type: 'budget:changed',
    apply: async ({ session }) => {
      requireFacilitator(props.actor);
      session.set({ voteBudget: props.voteBudget });
      return { voteBudget: props.voteBudget };
    },
  });
}

/** Locks or unlocks the whole board or one phase. */
export function setLock(props: Base & { lock: LockInput; locked: boolean }) {
  return runMutation({
    ...props,
    type: props.locked ? 'session:locked' : 'session:unlocked',
    apply: async ({ session, template }) => {
      requireFacilitator(props.actor);
      const { lock } = props;
      if (lock.scope === 'board') session.set({ locked: props.locked });
      else {
        if (!template.phases.some((p) => p.key === lock.phase))
          throw new SiltaError('session_phase_unknown', 'bad_request', lock.phase);
        const phases = new Set(lockedPhasesOf(session));
        if (props.locked) phases.add(lock.phase);
        else phases.delete(lock.phase);
        session.set({ lockedPhases: JSON.stringify([...phases]) });
      }
      return { locked: session.locked, lockedPhases: lockedPhasesOf(session) };
    },
  });
}

/** Moves the session to another phase of its template. */
export function setPhase(props: Base & { phase: string }) {
  return runMutation({
    ...props,
    type: 'phase:changed',
    apply: async ({ session, template }) => {
      requireFacilitator(props.actor);
      if (!template.phases.some((p) => p.key === props.phase))
        throw new SiltaError('session_phase_unknown', 'bad_request', props.phase);
      session.set({ phase: props.phase });
      return { phase: props.phase };
    },
  });
}

/**
 * Timer commands on the server's clock: start (a duration, or resume a paused timer), pause
 * (keeps the time left), reset (idle). Events carry the server's time for the clients' offset.
 */
export function timer(props: Base & { action: 'start' | 'pause' | 'reset'; durationSeconds?: number }) {
  const type = props.action === 'start' ? 'timer:started' : props.action === 'pause' ? 'timer:paused' : 'timer:reset';
  return runMutation({
    ...props,
    type,
    apply: async ({ session }) => {
      requireFacilitator(props.actor);
      const now = Date.now();
      if (props.action === 'start') {
        const ms =
          props.durationSeconds !== undefined
            ? props.durationSeconds * 1000
            : session.timerEndsAt
              ? null
              : session.timerRemainingMs;
        if (ms === null || ms === undefined) throw new SiltaError('timer_duration_required', 'bad_request');
        session.set({ timerEndsAt: new Date(now + ms), timerRemainingMs: null });
      } else if (props.action === 'pause') {
        if (!session.timerEndsAt) throw new SiltaError('timer_not_running', 'conflict');
        session.set({
          timerRemainingMs: Math.max(0, new Date(session.timerEndsAt).getTime() - now),
          timerEndsAt: null,
        });
      } else session.set({ timerEndsAt: null, timerRemainingMs: null });
      return { timer: timerView(session), serverNow: new Date(now).toISOString() };
    },
  });
}

/**
 * Closes the session for good. With completion reporting on and a placed link, everyone who
 * added a note or cast a vote gets a completion in the grade outbox, in the same transaction.
 */
export function closeSession(props: Base) {
  return runMutation({
    ...props,
    type: 'session:closed',
    apply: async ({ session, transaction }) => {
      requireFacilitator(props.actor);
      session.set({ closedAt: new Date(), timerEndsAt: null });
      if (session.completionReporting && session.resourceLinkId !== null) await reportCompletions(session, transaction);
      return {};
    },
  });
}

async function reportCompletions(session: LiveSession, transaction: Transaction): Promise<void> {
  const [link, context] = await Promise.all([
    ResourceLink.findByPk(session.resourceLinkId!, { transaction }),
    Context.findByPk(session.contextId, { transaction }),
  ]);
  if (!link || !context || (!link.agsLineitem && !link.agsLineitems)) return;
  const authors = await SessionNote.findAll({
    where: { sessionId: session.id },
    attributes: ['authorId'],
    transaction,
  });
  const voters = await SessionVote.findAll({
    where: { sessionId: session.id, count: { [Op.gt]: 0 } },
    attributes: ['voterId'],
    transaction,
  });
  const contributors = new Set([...authors.map((n) => n.authorId), ...voters.map((v) => v.voterId)]);
  for (const userId of contributors) {
    await enqueueScore(transaction, {
      issuer: context.issuer,
      clientId: context.clientId,
      resourceLinkId: link.id,
      userId,
      attemptId: null,
      lineItemUrl: link.agsLineitem,
      lineitemsUrl: link.agsLineitems,
      scoreGiven: 1,
      scoreMaximum: 1,
    });
  }
}
