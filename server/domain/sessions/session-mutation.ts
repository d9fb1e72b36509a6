import { Op, type Sequelize, type Transaction } from 'sequelize';
import { SiltaError } from '../../errors';
import {
  inTransaction,
  onPostgresConnection,
  onSqliteWriter,
  type PostgresClient,
  type SqliteWriter,
} from '../../store/transaction';
import { LiveSession, SessionEventRow } from '../../store/session-models';
import type { ClientId, SessionEventMap, SessionEventType } from '../../sockets/session-events';
import type { SessionActor } from './session.policy';
import { displayName } from '../people/display-names';
import {
  eventInsert,
  eventOfClientId,
  guardedSeqTake,
  inlined,
  insertFrom,
  nextSeqTake,
  runStatement,
  seqBump,
  sessionRowRead,
  sessionWithActor,
  takeNextSeq,
  type ActorName,
  type SessionWithActor,
  type Statement,
} from './session-rows';
import { nextOf, rememberSession, snapshotFor, snapshotMissed, whileMutating } from './session-snapshots';
import type { SessionTemplate } from './session-template';

/** What a mutation stores in the log: the broadcast payload, plus fields only some viewers may see. */
export type StoredEvent<K extends SessionEventType = SessionEventType> = {
  type: K;
  data: SessionEventMap[K] & { voterId?: number };
};

/** The payload a mutation produces, without the fields the runner adds. */
export type EventBody<K extends SessionEventType> = Omit<SessionEventMap[K], 'seq' | 'sessionId' | 'clientId'> & {
  voterId?: number;
};

/** A newly applied mutation carries its event and the session as it stands after it; a retry only its original seq. */
export type MutationResult<K extends SessionEventType = SessionEventType> =
  { seq: number; event?: undefined } | { seq: number; event: StoredEvent<K>; session: LiveSession };

export type MutationContext = {
  session: LiveSession;
  template: SessionTemplate;
  /** The acting user's display name as the platform last sent it (read with the session row). */
  actorName: string | null;
  transaction: Transaction;
};

/** Parsed templates by session id, with the text they were parsed from (a session's copy never changes, but ids are reused by a new database). */
const parsedTemplates = new Map<number, { text: string; template: SessionTemplate }>();
const PARSED_TEMPLATES_MAX = 256;

/** The session's template copy, parsed once per session rather than at every mutation. Shared: callers must not change it. */
export function templateOf(session: LiveSession): SessionTemplate {
  const cached = parsedTemplates.get(session.id);
  if (cached && cached.text === session.template) return cached.template;
  const template = JSON.parse(session.template) as SessionTemplate;
  parsedTemplates.delete(session.id);
  parsedTemplates.set(session.id, { text: session.template, template });
  // Oldest first in a Map: forget the least recently parsed session.
  if (parsedTemplates.size > PARSED_TEMPLATES_MAX) parsedTemplates.delete(parsedTemplates.keys().next().value!);
  return template;
}

/**
 * Loads a session for an actor: a session of another course is `session_not_found`, exactly like
 * an unknown id, so its existence is not revealed.
 */
export async function sessionFor(actor: SessionActor, sessionId: number): Promise<LiveSession> {
  const session = await LiveSession.findByPk(sessionId);
  if (!session || session.contextId !== actor.contextId)
    throw new SiltaError('session_not_found', 'not_found', String(sessionId));
  return session;
}

/**
 * On PostgreSQL a live session's mutation commits without waiting for its WAL flush (decision
 * 0031): what SQLite's WAL with `synchronous = NORMAL` gives every write. A crash of the database
 * server can lose the last fraction of a second of notes, never half of one; the flush was most of
 * a note's wait before its acknowledgement. Grades, launches and the board keep the full wait.
 */
const SESSION_COMMIT = 'SET LOCAL synchronous_commit = off';

type MutationProps<K extends SessionEventType> = {
  sequelize: Sequelize;
  actor: SessionActor;
  sessionId: number;
  clientId: ClientId;
  type: K;
};

/** The event a mutation logs: its payload (what is broadcast) and the statement that appends it to the log. */
function loggedEvent<K extends SessionEventType>(
  props: MutationProps<K>,
  body: EventBody<K>,
  seq: number,
): { data: StoredEvent<K>['data']; insert: Statement } {
  const { actor, sessionId, clientId, type } = props;
  const data = { ...body, sessionId, seq, clientId } as StoredEvent<K>['data'];
  const insert = eventInsert({ sessionId, seq, type, payload: JSON.stringify(data), clientId, actorId: actor.userId });
  return { data, insert };
}

/**
 * Runs one session mutation (decision 0007) in ONE transaction: takes the session's next seq
 * (which locks its row and so serialises a session's mutations), refuses a closed session, lets
 * `apply` check the rules and write the state, saves what `apply` changed on the session and
 * appends the event to the log. Nothing is acknowledged or broadcast before this commits.
 *
 * Retries are detected by the unique (session_id, client_id) index of the log rather than by a
 * lookup on every mutation: a retry fails (on that index, on the unique id of what it creates, or
 * on a rule its first run changed) and rolls back, and only then is the log asked whether the
 * client id was applied before. If so the answer is the original seq (nothing re-applied, nothing
 * broadcast), or `client_id_reused` when it was another command or another user.
 */
export async function runMutation<K extends SessionEventType>(
  props: MutationProps<K> & { apply: (ctx: MutationContext) => Promise<EventBody<K>> },
): Promise<MutationResult<K>> {
  const { sequelize, actor, sessionId, type } = props;
  const postgres = sequelize.getDialect() === 'postgres';
  let read: SessionWithActor | undefined;
  const run = () =>
    inTransaction(sequelize, async (transaction): Promise<MutationResult<K>> => {
      if (postgres) await sequelize.query(SESSION_COMMIT, { transaction });
      const taken = await takeNextSeq(
        sequelize,
        { sessionId, contextId: actor.contextId, actorId: actor.userId },
        transaction,
      );
      if (!taken) throw new SiltaError('session_not_found', 'not_found', String(sessionId));
      const { session } = taken;
      if (session.closedAt) throw new SiltaError('session_closed', 'conflict');
      const body = await props.apply({
        session,
        template: templateOf(session),
        actorName: displayName(taken.actor),
        transaction,
      });
      if (session.changed()) await session.save({ transaction });
      const { seq } = session;
      const { data, insert } = loggedEvent(props, body, seq);
      await runStatement(sequelize, insert, transaction);
      read = taken;
      return { seq, event: { type, data }, session };
    });
  try {
    if (!postgres) return await run();
    const result = await whileMutating(sessionId, run);
    // Committed: the next note of this session may be planned from the row as it now stands.
    if (read) rememberSession(read.session, actor.userId, read.actor);
    return result;
  } catch (error) {
    return answerToFailure(props, error);
  }
}

/** A failed mutation: the original answer when it was a retry of one applied before, else the error. */
async function answerToFailure<K extends SessionEventType>(
  props: MutationProps<K>,
  error: unknown,
): Promise<MutationResult<K>> {
  const { sequelize, actor, sessionId, clientId, type } = props;
  // The session is not the actor's to see: nothing about its log may show either.
  if (error instanceof SiltaError && error.code === 'session_not_found') throw error;
  const earlier = await eventOfClientId(sequelize, sessionId, clientId);
  if (!earlier) throw error;
  if (earlier.type !== type || earlier.actorId !== actor.userId)
    throw new SiltaError('client_id_reused', 'conflict', clientId);
  return { seq: earlier.seq };
}

/** What a mutation that reads nothing of its own stores: its event body and its writes, from the session alone. */
export type MutationPlan<K extends SessionEventType> = { body: EventBody<K>; writes: Statement[] };

/** A mutation that plans its writes from the session alone. */
type PlannedProps<K extends SessionEventType> = MutationProps<K> & {
  plan: (ctx: Omit<MutationContext, 'transaction'>) => MutationPlan<K>;
};

/**
 * Runs a mutation that reads nothing beyond the session (adding a note, the most frequent one),
 * with the same rules and answers as `runMutation`, in two round trips to the database instead of
 * five through Sequelize: BEGIN with the read of the session, then the writes, the event and
 * COMMIT in one batch, which stops at its first error and is rolled back. On SQLite the batch
 * goes to the shared writer connection (decision 0010); on PostgreSQL to a pooled connection, and
 * the first trip takes the sequence number with the session's row lock (decision 0020).
 */
export async function runPlannedMutation<K extends SessionEventType>(
  props: PlannedProps<K>,
): Promise<MutationResult<K>> {
  const { sequelize, sessionId } = props;
  try {
    if (sequelize.getDialect() === 'postgres')
      return await whileMutating(sessionId, () =>
        onPostgresConnection(sequelize, (client) => plannedOnPostgres(props, client)),
      );
    return await onSqliteWriter(sequelize, (writer) => pipelined(props, writer));
  } catch (error) {
    return answerToFailure(props, error);
  }
}

/** The rows of the last statement of a simple query (one result, or one per statement). */
const lastRows = (result: Awaited<ReturnType<PostgresClient['query']>>) =>
  Array.isArray(result) ? result[result.length - 1].rows : result.rows;

/**
 * On PostgreSQL a mutation is planned, when it can be, from the session as this process last
 * left it and written in ONE round trip, guarded by its sequence number (decision 0036). A plan
 * that refuses is not trusted (the row may have changed since): like a failed guard, it leaves
 * the mutation to the two round trips that read the row first.
 */
async function plannedOnPostgres<K extends SessionEventType>(
  props: PlannedProps<K>,
  client: PostgresClient,
): Promise<MutationResult<K>> {
  const { actor, sessionId } = props;
  const known = snapshotFor(sessionId, actor.contextId, actor.userId);
  const planned = known && planFromSnapshot(props, known);
  if (planned) {
    const result = await writeGuarded(props, client, planned);
    if (result) return result;
    snapshotMissed(sessionId);
  }
  return pipelinedPostgres(props, client);
}

type SnapshotPlan<K extends SessionEventType> = {
  /** The session as it stands once the plan is written. */
  session: LiveSession;
  seenSeq: number;
  actorName: ActorName;
  plan: MutationPlan<K>;
  now: Date;
};

function planFromSnapshot<K extends SessionEventType>(
  props: PlannedProps<K>,
  known: { session: LiveSession; actor: ActorName },
): SnapshotPlan<K> | null {
  const now = new Date();
  const session = nextOf(known.session, now);
  if (session.closedAt) return null;
  try {
    const plan = props.plan({ session, template: templateOf(session), actorName: displayName(known.actor) });
    return { session, seenSeq: known.session.seq, actorName: known.actor, plan, now };
  } catch {
    return null;
  }
}

/** Writes a plan made from a snapshot in one message; null when its guard found the row changed (nothing written). */
async function writeGuarded<K extends SessionEventType>(
  props: PlannedProps<K>,
  client: PostgresClient,
  planned: SnapshotPlan<K>,
): Promise<MutationResult<K> | null> {
  const { sequelize, actor, sessionId, type } = props;
  const { session, plan } = planned;
  const { seq } = session;
  const { data, insert } = loggedEvent(props, plan.body, seq);
  const take = guardedSeqTake({
    sessionId,
    contextId: actor.contextId,
    createdAt: session.createdAt,
    seq: planned.seenSeq,
    actorId: actor.userId,
    actor: planned.actorName,
    now: planned.now,
  });
  const writes = [...plan.writes, insert].map(
    (write, i) => `, write${i} AS (${inlined(sequelize, insertFrom(write, 'taken'))})`,
  );
  // One statement: every write is an INSERT … SELECT from the guarded take, so none runs when it failed.
  const statement = `WITH taken AS (${inlined(sequelize, take)})${writes.join('')} SELECT seq FROM taken`;
  const results = await rolledBackOnError(
    () => client.query('ROLLBACK'),
    () => client.query(`BEGIN;\n${SESSION_COMMIT};\n${statement};\nCOMMIT`),
  );
  // BEGIN, SET, the statement, COMMIT.
  if (!Array.isArray(results) || results[2].rows.length !== 1) return null;
  rememberSession(session, actor.userId, planned.actorName);
  return { seq, event: { type, data }, session };
}

async function pipelinedPostgres<K extends SessionEventType>(
  props: PlannedProps<K>,
  client: PostgresClient,
): Promise<MutationResult<K>> {
  const { sequelize, actor, type } = props;
  const take = inlined(
    sequelize,
    nextSeqTake({ sessionId: props.sessionId, contextId: actor.contextId, actorId: actor.userId }),
  );
  return rolledBackOnError(
    () => client.query('ROLLBACK'),
    async () => {
      // One message: if BEGIN failed, the rest did not run either.
      const [row] = lastRows(await client.query(`BEGIN;\n${SESSION_COMMIT};\n${take}`));
      const { session, actorRow, body, writes } = planFromRow(props, row);
      // The UPDATE above took the number and holds the row's lock until COMMIT.
      const { seq } = session;
      const { data, insert } = loggedEvent(props, body, seq);
      await client.query(
        `${[...writes, insert].map((statement) => inlined(sequelize, statement)).join(';\n')};\nCOMMIT`,
      );
      rememberSession(session, actor.userId, actorRow);
      return { seq, event: { type, data }, session };
    },
  );
}

/**
 * Runs `work`, which began a transaction; when it fails, the transaction is rolled back and the
 * error rethrown. A failed statement aborts the transaction and skips the rest of its message,
 * COMMIT included; ROLLBACK ends it (and only warns when none is open).
 */
async function rolledBackOnError<T>(rollback: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await rollback().catch(() => undefined);
    throw error;
  }
}

/** The session row read at the start of a planned mutation, its rules checked, and the plan made from it. */
function planFromRow<K extends SessionEventType>(props: PlannedProps<K>, row: Record<string, unknown> | undefined) {
  if (!row) throw new SiltaError('session_not_found', 'not_found', String(props.sessionId));
  const { session, actor: actorRow } = sessionWithActor(row);
  if (session.closedAt) throw new SiltaError('session_closed', 'conflict');
  const plan = props.plan({ session, template: templateOf(session), actorName: displayName(actorRow) });
  return { session, actorRow, ...plan };
}

const exec = (writer: SqliteWriter, sql: string) =>
  new Promise<void>((resolve, reject) => writer.exec(sql, (error) => (error ? reject(error) : resolve())));

async function pipelined<K extends SessionEventType>(
  props: PlannedProps<K>,
  writer: SqliteWriter,
): Promise<MutationResult<K>> {
  const { sequelize, actor, sessionId, type } = props;
  const read = inlined(sequelize, sessionRowRead({ sessionId, contextId: actor.contextId, actorId: actor.userId }));
  let begin!: Promise<void>;
  let rows!: Promise<Record<string, unknown>[]>;
  writer.serialize(() => {
    begin = exec(writer, 'BEGIN IMMEDIATE');
    rows = new Promise((resolve, reject) =>
      writer.all(read, (error, result) => (error ? reject(error) : resolve(result))),
    );
  });
  // Without BEGIN, the read ran on its own and nothing is to be undone.
  rows.catch(() => undefined);
  await begin;
  return rolledBackOnError(
    () => exec(writer, 'ROLLBACK'),
    async () => {
      const { session, body, writes } = planFromRow(props, (await rows)[0]);
      // Under the write lock taken at BEGIN, the next number is this one.
      const seq = session.seq + 1;
      const { data, insert } = loggedEvent(props, body, seq);
      const batch = [...writes, seqBump(sessionId), insert];
      await exec(writer, `${batch.map((statement) => inlined(sequelize, statement)).join(';\n')};\nCOMMIT`);
      session.set({ seq }, { raw: true });
      return { seq, event: { type, data }, session };
    },
  );
}

/** The events after `sinceSeq`, in order, when there are at most `max` of them; null otherwise. */
export async function eventsSince(
  sessionId: number,
  sinceSeq: number,
  currentSeq: number,
  max: number,
): Promise<StoredEvent[] | null> {
  if (sinceSeq > currentSeq || currentSeq - sinceSeq > max) return null;
  const rows = await SessionEventRow.findAll({
    where: { sessionId, seq: { [Op.gt]: sinceSeq } },
    order: [['seq', 'ASC']],
  });
  return rows.map((row) => ({
    type: row.type as SessionEventType,
    data: JSON.parse(row.payload) as StoredEvent['data'],
  }));
}
