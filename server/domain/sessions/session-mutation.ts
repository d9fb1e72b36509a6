import { Op, type Sequelize, type Transaction } from 'sequelize';
import { SiltaError } from '../../errors';
import { inTransaction } from '../../store/transaction';
import { LiveSession, SessionEventRow } from '../../store/session-models';
import type { ClientId, SessionEventMap, SessionEventType } from '../../sockets/session-events';
import type { SessionActor } from './session.policy';
import type { SessionTemplate } from './session-template';

/** What a mutation stores in the log: the broadcast payload, plus fields only some viewers may see. */
export type StoredEvent<K extends SessionEventType = SessionEventType> = { type: K; data: SessionEventMap[K] & { voterId?: number } };

/** The payload a mutation produces, without the fields the runner adds. */
export type EventBody<K extends SessionEventType> = Omit<SessionEventMap[K], 'seq' | 'sessionId' | 'clientId'> & { voterId?: number };

export type MutationResult<K extends SessionEventType = SessionEventType> = {
  seq: number;
  /** The stored event to broadcast; absent on a retry (it was broadcast the first time). */
  event?: StoredEvent<K>;
  session: LiveSession;
};

export type MutationContext = { session: LiveSession; template: SessionTemplate; transaction: Transaction };

/** The session's template copy. */
export const templateOf = (session: LiveSession): SessionTemplate => JSON.parse(session.template) as SessionTemplate;

/**
 * Loads a session for an actor: a session of another course is `session_not_found`, exactly like
 * an unknown id, so its existence is not revealed.
 */
export async function sessionFor(actor: SessionActor, sessionId: number, transaction?: Transaction): Promise<LiveSession> {
  const session = await LiveSession.findByPk(sessionId, { transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
  if (!session || session.contextId !== actor.contextId) throw new SiltaError('session_not_found', 'not_found', String(sessionId));
  return session;
}

/**
 * Runs one session mutation (decision 0007) in ONE transaction: locks the session row (which
 * serialises a session's mutations), returns the original seq when this client id was already
 * applied, refuses a closed session, lets `apply` check the rules and write the state, then bumps
 * the session's sequence number and appends the event to the log. Nothing is acknowledged or
 * broadcast before this commits.
 */
export async function runMutation<K extends SessionEventType>(props: {
  sequelize: Sequelize;
  actor: SessionActor;
  sessionId: number;
  clientId: ClientId;
  type: K;
  apply: (ctx: MutationContext) => Promise<EventBody<K>>;
}): Promise<MutationResult<K>> {
  const { actor, sessionId, clientId, type } = props;
  return inTransaction(props.sequelize, async (transaction) => {
    const session = await sessionFor(actor, sessionId, transaction);
    const earlier = await SessionEventRow.findOne({ where: { sessionId, clientId }, transaction });
    if (earlier) {
      if (earlier.type !== type || earlier.actorId !== actor.userId) throw new SiltaError('client_id_reused', 'conflict', clientId);
      return { seq: earlier.seq, session };
    }
    if (session.closedAt) throw new SiltaError('session_closed', 'conflict');
    const body = await props.apply({ session, template: templateOf(session), transaction });
    const seq = session.seq + 1;
    session.set({ seq });
    await session.save({ transaction });
    const data = { ...body, sessionId, seq, clientId } as StoredEvent<K>['data'];
    await SessionEventRow.create({ sessionId, seq, type, payload: JSON.stringify(data), clientId, actorId: actor.userId }, { transaction });
    return { seq, event: { type, data }, session };
  });
}

/** The events after `sinceSeq`, in order, when there are at most `max` of them; null otherwise. */
export async function eventsSince(sessionId: number, sinceSeq: number, currentSeq: number, max: number): Promise<StoredEvent[] | null> {
  if (sinceSeq > currentSeq || currentSeq - sinceSeq > max) return null;
  const rows = await SessionEventRow.findAll({ where: { sessionId, seq: { [Op.gt]: sinceSeq } }, order: [['seq', 'ASC']] });
  return rows.map((row) => ({ type: row.type as SessionEventType, data: JSON.parse(row.payload) as StoredEvent['data'] }));
}
