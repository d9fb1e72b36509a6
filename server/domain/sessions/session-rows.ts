/**
 * Plain SQL for the hot path of session mutations (about 20 notes/s in a busy session). Model
 * finders cost a lot per statement here: on SQLite every model SELECT first runs
 * `PRAGMA table_info` to parse its columns, and each query builds its SQL through lodash. These
 * statements run on both dialects; column names are unquoted lower case, as the migrations made
 * them. Dates are written through the replacements, so they are stored exactly as the models
 * store them.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { User } from '../../store/models';
import { LiveSession, SessionCluster, SessionNote } from '../../store/session-models';

type Row = Record<string, unknown>;

/** One SQL statement with `:name` replacements, to run now or as part of a pipelined write (decision 0010). */
export type Statement = { sql: string; replacements: Record<string, unknown> };

/** Runs a write statement in a transaction. */
export async function runStatement(
  sequelize: Sequelize,
  statement: Statement,
  transaction: Transaction,
): Promise<void> {
  await sequelize.query(statement.sql, { replacements: statement.replacements, type: QueryTypes.INSERT, transaction });
}

/**
 * The statement as one SQL string, each replacement escaped by Sequelize exactly as `replacements`
 * are (Sequelize inlines them the same way), so dates are stored as the models store them.
 */
export function inlined(sequelize: Sequelize, statement: Statement): string {
  return statement.sql.replace(/:(\w+)/g, (_match, name: string) => {
    if (!(name in statement.replacements)) throw new Error(`no value for :${name}`);
    const value = sequelize.escape(statement.replacements[name] as Parameters<Sequelize['escape']>[0]);
    // SQLite's exec reads SQL as a C string: a NUL would end it inside a literal.
    if (value.includes('\0')) throw new Error(`a NUL character in :${name}`);
    return value;
  });
}

/** SQLite returns booleans as 0/1 and dates as text; PostgreSQL as booleans and Dates. */
const flag = (value: unknown) => value === true || value === 1 || value === '1';
const dateOf = (value: unknown) =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));

/** A live_sessions row as a LiveSession whose `save()` writes only what is changed afterwards. */
function sessionFromRow(row: Row): LiveSession {
  return LiveSession.build(
    {
      id: row.id as number,
      contextId: row.context_id as number,
      resourceLinkId: row.resource_link_id as number | null,
      title: row.title as string,
      language: row.language as string,
      templateKey: row.template_key as string,
      template: row.template as string,
      anonymous: flag(row.anonymous),
      completionReporting: flag(row.completion_reporting),
      voteBudget: row.vote_budget as number,
      votesRevealed: flag(row.votes_revealed),
      locked: flag(row.locked),
      lockedPhases: row.locked_phases as string,
      phase: row.phase as string | null,
      timerEndsAt: dateOf(row.timer_ends_at),
      timerRemainingMs: row.timer_remaining_ms as number | null,
      seq: row.seq as number,
      authorSalt: row.author_salt as string,
      closedAt: dateOf(row.closed_at),
      createdBy: row.created_by as number,
      createdAt: dateOf(row.created_at)!,
      updatedAt: dateOf(row.updated_at)!,
    },
    { isNewRecord: false, raw: true },
  );
}

/**
 * Takes the session's next sequence number: ONE statement that bumps the counter of a session of
 * the course and returns the row, with the acting user's name fields (for what the mutation
 * shows as theirs). On PostgreSQL the UPDATE holds the row lock until the transaction ends, which
 * serialises the session's mutations; SQLite has one writer anyway. Null when the session does
 * not exist in that course. The caller's transaction rolls the bump back when the mutation fails,
 * so sequence numbers stay gap-free.
 */
export async function takeNextSeq(
  sequelize: Sequelize,
  props: { sessionId: number; contextId: number; actorId: number },
  transaction: Transaction,
): Promise<SessionWithActor | null> {
  const take = nextSeqTake(props);
  // Type SELECT so that both dialects return the RETURNING row.
  const rows = await sequelize.query<Row>(take.sql, {
    replacements: take.replacements,
    type: QueryTypes.SELECT,
    transaction,
  });
  return rows.length ? sessionWithActor(rows[0]) : null;
}

/** The statement of `takeNextSeq`: bumps the session's counter and returns its row with the actor's name fields. */
export const nextSeqTake = (props: { sessionId: number; contextId: number; actorId: number }): Statement => ({
  sql: `UPDATE live_sessions SET seq = seq + 1, updated_at = :now WHERE id = :sessionId AND context_id = :contextId RETURNING *, ${ACTOR_COLUMNS}`,
  replacements: { ...props, now: new Date() },
});

/** The name fields of a user, as a mutation shows what is theirs. */
export type ActorName = Pick<User, 'name' | 'givenName' | 'familyName'>;

export type SessionWithActor = { session: LiveSession; actor: ActorName };

/** The acting user's name fields, read with the session row. */
const ACTOR_COLUMNS = ['name', 'given_name', 'family_name']
  .map((column) => `(SELECT ${column} FROM users WHERE id = :actorId) AS actor_${column}`)
  .join(', ');

export function sessionWithActor(row: Row): SessionWithActor {
  const name = (value: unknown) => (value ?? null) as string | null;
  return {
    session: sessionFromRow(row),
    actor: {
      name: name(row.actor_name),
      givenName: name(row.actor_given_name),
      familyName: name(row.actor_family_name),
    },
  };
}

/**
 * Takes the next sequence number only while the session (the row created at `createdAt`: ids
 * are reused by a new database) is still at `seq` and the actor's name fields are still `actor`'s: the guard of a mutation planned from what this process last saw
 * (decision 0036). Returns the new number, or no row when the guard failed (nothing changed).
 */
export const guardedSeqTake = (props: {
  sessionId: number;
  contextId: number;
  createdAt: Date;
  seq: number;
  actorId: number;
  actor: ActorName;
  now: Date;
}): Statement => ({
  sql: `UPDATE live_sessions SET seq = seq + 1, updated_at = :now WHERE id = :sessionId AND context_id = :contextId AND created_at = :createdAt AND seq = :seq AND EXISTS (SELECT 1 FROM users WHERE id = :actorId AND name IS NOT DISTINCT FROM :name AND given_name IS NOT DISTINCT FROM :givenName AND family_name IS NOT DISTINCT FROM :familyName) RETURNING seq`,
  replacements: { ...props, ...props.actor },
});

/** A one-row `INSERT … VALUES (…)` that inserts only when `source`, a query of the same statement, has a row. */
export function insertFrom(statement: Statement, source: string): Statement {
  const parts = /^(INSERT INTO \w+ \([^)]*\)) VALUES \((.*)\)$/s.exec(statement.sql);
  if (!parts) throw new Error(`not a one-row INSERT: ${statement.sql.slice(0, 60)}`);
  return { sql: `${parts[1]} SELECT ${parts[2]} FROM ${source}`, replacements: statement.replacements };
}

/** The session row of a course with the actor's name (SQLite's pipelined writes: read under the write lock, bumped at the end). */
export const sessionRowRead = (props: { sessionId: number; contextId: number; actorId: number }): Statement => ({
  sql: `SELECT *, ${ACTOR_COLUMNS} FROM live_sessions WHERE id = :sessionId AND context_id = :contextId`,
  replacements: props,
});

/** Bumps a session's sequence number. */
export const seqBump = (sessionId: number): Statement => ({
  sql: 'UPDATE live_sessions SET seq = seq + 1, updated_at = :now WHERE id = :sessionId',
  replacements: { sessionId, now: new Date() },
});

export type EventRowInput = {
  sessionId: number;
  seq: number;
  type: string;
  payload: string;
  clientId: string;
  actorId: number;
};

/** Appends an event to the log; the unique (session_id, client_id) index refuses a client id used before. */
export const eventInsert = (event: EventRowInput): Statement => ({
  sql: 'INSERT INTO session_events (session_id, seq, type, payload, client_id, actor_id, created_at) VALUES (:sessionId, :seq, :type, :payload, :clientId, :actorId, :now)',
  replacements: { ...event, now: new Date() },
});

/** The logged event of a client id in a session, if any (outside any transaction). */
export async function eventOfClientId(
  sequelize: Sequelize,
  sessionId: number,
  clientId: string,
): Promise<{ seq: number; type: string; actorId: number } | null> {
  const rows = await sequelize.query<{ seq: number; type: string; actor_id: number }>(
    'SELECT seq, type, actor_id FROM session_events WHERE session_id = :sessionId AND client_id = :clientId',
    {
      replacements: { sessionId, clientId },
      type: QueryTypes.SELECT,
    },
  );
  return rows.length ? { seq: rows[0].seq, type: rows[0].type, actorId: rows[0].actor_id } : null;
}

export type NoteRowInput = {
  sessionId: number;
  clientId: string;
  authorId: number;
  lane: string;
  columnKey: string;
  phase: string | null;
  text: string;
  colour: string;
  createdAt: Date;
};

/** Inserts a new note (unclustered, not deleted). */
export const noteInsert = (note: NoteRowInput): Statement => ({
  sql: 'INSERT INTO session_notes (session_id, client_id, author_id, lane, column_key, phase, text, colour, created_at, updated_at) VALUES (:sessionId, :clientId, :authorId, :lane, :columnKey, :phase, :text, :colour, :createdAt, :createdAt)',
  replacements: note,
});

/** A live (not deleted) note of a session by its client id, as a SessionNote whose `update()` writes only what changes. */
export async function liveNoteOf(
  sequelize: Sequelize,
  sessionId: number,
  clientId: string,
  transaction: Transaction,
): Promise<SessionNote | null> {
  const rows = await sequelize.query<Row>(
    'SELECT * FROM session_notes WHERE session_id = :sessionId AND client_id = :clientId AND deleted_at IS NULL',
    {
      replacements: { sessionId, clientId },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  if (!rows.length) return null;
  const row = rows[0];
  return SessionNote.build(
    {
      id: row.id as number,
      sessionId: row.session_id as number,
      clientId: row.client_id as string,
      authorId: row.author_id as number,
      lane: row.lane as string,
      columnKey: row.column_key as string,
      phase: row.phase as string | null,
      text: row.text as string,
      colour: row.colour as string,
      clusterId: row.cluster_id as string | null,
      deletedAt: null,
      createdAt: dateOf(row.created_at)!,
      updatedAt: dateOf(row.updated_at)!,
    },
    { isNewRecord: false, raw: true },
  );
}

/** A live (not deleted) cluster of a session by its client id. */
export async function liveClusterOf(
  sequelize: Sequelize,
  sessionId: number,
  clientId: string,
  transaction: Transaction,
): Promise<SessionCluster | null> {
  const rows = await sequelize.query<Row>(
    'SELECT id, label FROM session_clusters WHERE session_id = :sessionId AND client_id = :clientId AND deleted_at IS NULL',
    {
      replacements: { sessionId, clientId },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return rows.length
    ? SessionCluster.build(
        { id: rows[0].id as number, sessionId, clientId, label: rows[0].label as string, deletedAt: null },
        { isNewRecord: false, raw: true },
      )
    : null;
}

/** Inserts or refreshes a participant row in ONE statement (both dialects know ON CONFLICT), so two joins of one user at once do not collide. */
export async function upsertParticipant(
  sequelize: Sequelize,
  participant: { sessionId: number; userId: number; regionCode: string | null },
): Promise<void> {
  await sequelize.query(
    `INSERT INTO session_participants (session_id, user_id, region_code, last_seen_at, created_at, updated_at) VALUES (:sessionId, :userId, :regionCode, :now, :now, :now)
     ON CONFLICT (session_id, user_id) DO UPDATE SET region_code = excluded.region_code, last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at`,
    { replacements: { ...participant, now: new Date() }, type: QueryTypes.INSERT },
  );
}
