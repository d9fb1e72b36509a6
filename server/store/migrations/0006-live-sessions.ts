import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: 'CASCADE',
});
const clientId = { type: DataTypes.STRING(36), allowNull: false };
const flag = { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

/**
 * Live co-development sessions (issue 5, decision 0007): the session with its facilitator
 * controls and per-session sequence counter, notes, clusters, dot votes, participants, and the
 * event log that replays what a client missed. Notes and clusters are known to clients by the
 * client id of the mutation that created them (unique per session).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('live_sessions', {
    id,
    context_id: ref('contexts'),
    resource_link_id: ref('resource_links', true),
    title: { type: DataTypes.STRING(200), allowNull: false },
    language: { type: DataTypes.STRING(2), allowNull: false },
    template_key: { type: DataTypes.STRING(64), allowNull: false },
    /** JSON copy of the template at creation, so a changed file never breaks a running session. */
    template: { type: DataTypes.TEXT, allowNull: false },
    anonymous: flag,
    completion_reporting: flag,
    vote_budget: { type: DataTypes.INTEGER, allowNull: false },
    votes_revealed: flag,
    locked: flag,
    /** JSON array of locked phase keys. */
    locked_phases: { type: DataTypes.TEXT, allowNull: false },
    phase: { type: DataTypes.STRING(64) },
    timer_ends_at: { type: DataTypes.DATE },
    timer_remaining_ms: { type: DataTypes.INTEGER },
    seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    /** Salt of the authors' per-session pseudonyms (anonymous notes). */
    author_salt: { type: DataTypes.STRING(64), allowNull: false },
    closed_at: { type: DataTypes.DATE },
    created_by: ref('users'),
    ...timestamps,
  });
  await qi.addIndex('live_sessions', ['context_id']);
  await qi.addIndex('live_sessions', ['resource_link_id'], { unique: true });

  await qi.createTable('session_notes', {
    id,
    session_id: ref('live_sessions'),
    client_id: clientId,
    author_id: ref('users'),
    lane: { type: DataTypes.STRING(64), allowNull: false },
    column_key: { type: DataTypes.STRING(64), allowNull: false },
    phase: { type: DataTypes.STRING(64) },
    text: { type: DataTypes.TEXT, allowNull: false },
    colour: { type: DataTypes.STRING(16), allowNull: false },
    /** The client id of the note's cluster. */
    cluster_id: { type: DataTypes.STRING(36) },
    deleted_at: { type: DataTypes.DATE },
    ...timestamps,
  });
  await qi.addIndex('session_notes', ['session_id', 'client_id'], { unique: true });

  await qi.createTable('session_clusters', {
    id,
    session_id: ref('live_sessions'),
    client_id: clientId,
    label: { type: DataTypes.STRING(100), allowNull: false },
    deleted_at: { type: DataTypes.DATE },
    ...timestamps,
  });
  await qi.addIndex('session_clusters', ['session_id', 'client_id'], { unique: true });

  await qi.createTable('session_votes', {
    id,
    session_id: ref('live_sessions'),
    note_id: ref('session_notes'),
    voter_id: ref('users'),
    count: { type: DataTypes.INTEGER, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('session_votes', ['note_id', 'voter_id'], { unique: true });
  await qi.addIndex('session_votes', ['session_id', 'voter_id']);

  await qi.createTable('session_events', {
    id,
    session_id: ref('live_sessions'),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    type: { type: DataTypes.STRING(32), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    client_id: clientId,
    actor_id: ref('users'),
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('session_events', ['session_id', 'seq'], { unique: true });
  await qi.addIndex('session_events', ['session_id', 'client_id'], { unique: true });

  await qi.createTable('session_participants', {
    id,
    session_id: ref('live_sessions'),
    user_id: ref('users'),
    region_code: { type: DataTypes.STRING(40) },
    last_seen_at: { type: DataTypes.DATE, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('session_participants', ['session_id', 'user_id'], { unique: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of [
    'session_participants',
    'session_events',
    'session_votes',
    'session_clusters',
    'session_notes',
    'live_sessions',
  ])
    await qi.dropTable(table);
}
