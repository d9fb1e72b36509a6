import type { Sequelize, Transaction } from 'sequelize';
import { SiltaError } from '../../errors';
import { SessionCluster, SessionNote, SessionVote } from '../../store/session-models';
import type { LiveSession } from '../../store/session-models';
import { requireNoteChange, requireUnlocked, type SessionActor } from './session.policy';
import { presentCluster, presentNoteBody } from './session.presenter';
import type { NoteAdd } from './session.schema';
import { runMutation, runPlannedMutation, type MutationContext } from './session-mutation';
import { liveClusterOf, liveNoteOf, noteInsert } from './session-rows';
import type { SessionTemplate } from './session-template';

type Base = { sequelize: Sequelize; actor: SessionActor; sessionId: number; clientId: string };

/** A lane and column must be the template's. */
function requirePlace(template: SessionTemplate, lane: string, column: string): void {
  if (!template.lanes.some((l) => l.key === lane) || !template.columns.some((c) => c.key === column))
    throw new SiltaError('session_place_unknown', 'bad_request', `${lane}/${column}`);
}

/** A live note of the session by its client id, or `note_not_found`. */
export async function noteOf(
  sequelize: Sequelize,
  session: LiveSession,
  noteId: string,
  transaction: Transaction,
): Promise<SessionNote> {
  const note = await liveNoteOf(sequelize, session.id, noteId, transaction);
  if (!note) throw new SiltaError('note_not_found', 'not_found', noteId);
  return note;
}

/** Names compared as people read them: case, surrounding and repeated spaces do not make a group different. */
const sameName = (label: string) => label.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/** Refuses a group name another live group of the session already has (`except`: the group being renamed). */
async function requireUniqueClusterName(
  session: LiveSession,
  label: string,
  transaction: Transaction,
  except?: string,
): Promise<void> {
  const clusters = await SessionCluster.findAll({
    attributes: ['clientId', 'label'],
    where: { sessionId: session.id, deletedAt: null },
    transaction,
  });
  const wanted = sameName(label);
  if (clusters.some((c) => c.clientId !== except && sameName(c.label) === wanted))
    throw new SiltaError('cluster_name_taken', 'conflict', label, { label: label.trim() });
}

/** A live cluster of the session by its client id, or `cluster_not_found`. */
async function clusterOf(
  sequelize: Sequelize,
  session: LiveSession,
  clusterId: string,
  transaction: Transaction,
): Promise<SessionCluster> {
  const cluster = await liveClusterOf(sequelize, session.id, clusterId, transaction);
  if (!cluster) throw new SiltaError('cluster_not_found', 'not_found', clusterId);
  return cluster;
}

/** Adds a note in the current phase; its id is the mutation's client id. */
export function addNote(props: Base & { note: Omit<NoteAdd, 'sessionId' | 'clientId'> }) {
  return runPlannedMutation({
    ...props,
    type: 'note:added',
    plan: ({ session, template, actorName }) => {
      requireUnlocked(props.actor, session);
      requirePlace(template, props.note.lane, props.note.column);
      const note = {
        sessionId: session.id,
        clientId: props.clientId,
        authorId: props.actor.userId,
        lane: props.note.lane,
        columnKey: props.note.column,
        phase: session.phase,
        text: props.note.text,
        colour: props.note.colour ?? 'yellow',
        createdAt: new Date(),
      };
      return {
        body: { note: presentNoteBody({ ...note, clusterId: null }, session, actorName) },
        writes: [noteInsert(note)],
      };
    },
  });
}

/** Runs a change of one note the actor may change; `change` updates it and returns the event body. */
function changeNote<K extends 'note:edited' | 'note:moved' | 'note:coloured' | 'note:clustered'>(
  props: Base & { noteId: string },
  type: K,
  change: (note: SessionNote, ctx: MutationContext) => Promise<Record<string, unknown>>,
) {
  return runMutation({
    ...props,
    type,
    apply: async (ctx) => {
      const note = await noteOf(props.sequelize, ctx.session, props.noteId, ctx.transaction);
      requireNoteChange(props.actor, ctx.session, ctx.template, note);
      const values = await change(note, ctx);
      await note.update(values, { transaction: ctx.transaction });
      return { noteId: note.clientId, ...values } as never;
    },
  });
}

export const editNote = (props: Base & { noteId: string; text: string }) =>
  changeNote(props, 'note:edited', async () => ({ text: props.text }));

export const colourNote = (props: Base & { noteId: string; colour: string }) =>
  changeNote(props, 'note:coloured', async () => ({ colour: props.colour }));

export function moveNote(props: Base & { noteId: string; lane: string; column: string }) {
  return runMutation({
    ...props,
    type: 'note:moved',
    apply: async ({ session, template, transaction }) => {
      const note = await noteOf(props.sequelize, session, props.noteId, transaction);
      requireNoteChange(props.actor, session, template, note);
      requirePlace(template, props.lane, props.column);
      await note.update({ lane: props.lane, columnKey: props.column }, { transaction });
      return { noteId: note.clientId, lane: note.lane, column: note.columnKey };
    },
  });
}

/** Puts a note in a cluster (or takes it out with `null`). */
export const clusterNote = (props: Base & { noteId: string; clusterId: string | null }) =>
  changeNote(props, 'note:clustered', async (_note, { session, transaction }) => {
    if (props.clusterId !== null) await clusterOf(props.sequelize, session, props.clusterId, transaction);
    return { clusterId: props.clusterId };
  });

/** Deletes a note (kept in the store, marked deleted); its votes go back to the voters. */
export function deleteNote(props: Base & { noteId: string }) {
  return runMutation({
    ...props,
    type: 'note:deleted',
    apply: async ({ session, template, transaction }) => {
      const note = await noteOf(props.sequelize, session, props.noteId, transaction);
      requireNoteChange(props.actor, session, template, note);
      await SessionVote.destroy({ where: { noteId: note.id }, transaction });
      await note.update({ deletedAt: new Date() }, { transaction });
      return { noteId: note.clientId };
    },
  });
}

/** Creates a cluster; its id is the mutation's client id. */
export function createCluster(props: Base & { label: string }) {
  return runMutation({
    ...props,
    type: 'cluster:created',
    apply: async ({ session, transaction }) => {
      requireUnlocked(props.actor, session);
      await requireUniqueClusterName(session, props.label, transaction);
      const cluster = await SessionCluster.create(
        { sessionId: session.id, clientId: props.clientId, label: props.label },
        { transaction },
      );
      return { cluster: presentCluster(cluster) };
    },
  });
}

export function renameCluster(props: Base & { clusterId: string; label: string }) {
  return runMutation({
    ...props,
    type: 'cluster:renamed',
    apply: async ({ session, transaction }) => {
      requireUnlocked(props.actor, session);
      const cluster = await clusterOf(props.sequelize, session, props.clusterId, transaction);
      await requireUniqueClusterName(session, props.label, transaction, cluster.clientId);
      await cluster.update({ label: props.label }, { transaction });
      return { clusterId: cluster.clientId, label: cluster.label };
    },
  });
}

/** Deletes a cluster; its notes stay, unclustered. */
export function deleteCluster(props: Base & { clusterId: string }) {
  return runMutation({
    ...props,
    type: 'cluster:deleted',
    apply: async ({ session, transaction }) => {
      requireUnlocked(props.actor, session);
      const cluster = await clusterOf(props.sequelize, session, props.clusterId, transaction);
      await SessionNote.update(
        { clusterId: null },
        { where: { sessionId: session.id, clusterId: cluster.clientId }, transaction },
      );
      await cluster.update({ deletedAt: new Date() }, { transaction });
      return { clusterId: cluster.clientId };
    },
  });
}
