import type { Sequelize } from 'sequelize';
import type { z } from 'zod';
import { loadLaunch } from '../domain/launches/launch.service';
import { regionName, regionOf } from '../domain/regions/region.service';
import type { LiveRooms } from '../domain/sessions/live-rooms';
import {
  addNote,
  clusterNote,
  colourNote,
  createCluster,
  deleteCluster,
  deleteNote,
  editNote,
  moveNote,
  renameCluster,
} from '../domain/sessions/note.service';
import {
  closeSession,
  hideVotes,
  revealVotes,
  setBudget,
  setLock,
  setPhase,
  timer,
  vote,
} from '../domain/sessions/session-control.service';
import { eventsSince, sessionFor, type MutationResult } from '../domain/sessions/session-mutation';
import { isFacilitator, type SessionActor } from '../domain/sessions/session.policy';
import { eventFor, presenceKey } from '../domain/sessions/session.presenter';
import { displayName } from '../domain/people/display-names';
import * as schema from '../domain/sessions/session.schema';
import { loadState, recordParticipant, viewerOf } from '../domain/sessions/session.service';
import { SiltaError } from '../errors';
import type { Language } from '../i18n';
import type { Logger } from '../logger';
import type { LiveSession } from '../store/session-models';
import { AnswerThen, command } from './command';
import type { SiltaServer, SiltaSocket } from './events';
import type { PresenceBroadcasts } from './presence-broadcasts';
import { broadcastEvent, facilitatorRoom, presenceOf, sessionRoom, userRoom } from './session-broadcast';
import type { JoinResult, MutationAck, SessionClientEvents } from './session-events';

/** Commands that change a session and acknowledge `{ seq }`. */
type MutationCommand = Exclude<keyof SessionClientEvents, 'session:join' | 'session:leave' | 'presence:away'>;

/** Missed events replayed by `session:join` with `sinceSeq`; more than this gets the whole state. */
export const REPLAY_MAX_EVENTS = 500;

export type SessionSocketDeps = {
  sequelize: Sequelize;
  logger: Logger;
  rooms: LiveRooms;
  presence: PresenceBroadcasts;
};

/**
 * Live-session commands (decision 0007). Thin: validate (command wrapper + zod), check the socket
 * joined the session, call the domain service, then broadcast the committed event.
 */
export function registerSessionHandlers(io: SiltaServer, socket: SiltaSocket, deps: SessionSocketDeps) {
  const { sequelize, logger, rooms, presence } = deps;
  const actor = (): SessionActor => ({
    userId: socket.data.userId,
    contextId: socket.data.contextId,
    role: socket.data.role,
    language: socket.data.language,
  });

  const scheduleTimerEnd = (session: LiveSession) =>
    rooms.scheduleTimerEnd(session.id, session.timerEndsAt ? new Date(session.timerEndsAt) : null, () => {
      // Informational and idempotent: with several instances it may arrive more than once.
      io.to(sessionRoom(session.id)).emit('timer:ended', {
        sessionId: session.id,
        serverNow: new Date().toISOString(),
      });
    });

  /** Leaves the session this socket is in (if any) and tells the others. */
  const leave = async (sessionId: number) => {
    await Promise.all(
      [sessionRoom(sessionId), facilitatorRoom(sessionId), userRoom(sessionId, socket.data.userId)].map((room) =>
        socket.leave(room),
      ),
    );
    socket.data.livePresence = undefined;
    rooms.leave(sessionId, socket.id);
    presence.changed(sessionId);
  };

  socket.on(
    'session:join',
    command(socket, logger, schema.joinSchema, async ({ sessionId, sinceSeq }): Promise<JoinResult> => {
      const who = actor();
      const session = await sessionFor(who, sessionId);
      const launch = await loadLaunch(sequelize, socket.data.sessionId);
      const { region } = await regionOf(launch);
      await recordParticipant(sequelize, session.id, who.userId, region?.code ?? null);
      const previous = socket.data.livePresence?.sessionId;
      if (previous !== undefined && previous !== sessionId) await leave(previous);
      const facilitator = isFacilitator(who);
      const lang = session.language as Language;
      socket.data.livePresence = {
        sessionId,
        userId: who.userId,
        away: false,
        view: {
          key: presenceKey(session, who.userId),
          name: session.anonymous && !facilitator ? null : displayName(launch.user),
          region: region ? { key: region.code, label: regionName(region, lang) } : null,
          facilitator,
        },
      };
      // Join before reading, so nothing committed in between is missed (events are idempotent).
      await socket.join([
        sessionRoom(sessionId),
        userRoom(sessionId, who.userId),
        ...(facilitator ? [facilitatorRoom(sessionId)] : []),
      ]);
      if (rooms.enter(sessionId, socket.id)) scheduleTimerEnd(session);
      // The joiner gets the list now; the others with the next gathered list.
      const participants = await presenceOf(io, sessionId);
      presence.changed(sessionId);
      const viewer = viewerOf(who);
      if (sinceSeq !== undefined) {
        const missed = await eventsSince(sessionId, sinceSeq, session.seq, REPLAY_MAX_EVENTS);
        if (missed) {
          await session.reload();
          const events = missed.map((e) => eventFor(e, viewer, session.votesRevealed));
          return {
            kind: 'events',
            seq: events.at(-1)?.data.seq ?? sinceSeq,
            events,
            participants,
            serverNow: new Date().toISOString(),
          };
        }
      }
      return { kind: 'state', state: await loadState(session, viewer, participants) };
    }),
  );

  /** The session must be the one this socket joined (and still of its course: checked by the service). */
  const joined = (sessionId: number) => {
    if (!socket.rooms.has(sessionRoom(sessionId)))
      throw new SiltaError('session_not_joined', 'forbidden', String(sessionId));
  };

  socket.on(
    'session:leave',
    command(socket, logger, schema.leaveSchema, async ({ sessionId }) => {
      joined(sessionId);
      await leave(sessionId);
      return { left: true as const };
    }),
  );

  socket.on(
    'presence:away',
    command(socket, logger, schema.awaySchema, async ({ sessionId, away }) => {
      joined(sessionId);
      if (socket.data.livePresence) socket.data.livePresence = { ...socket.data.livePresence, away };
      presence.changed(sessionId);
      return { away };
    }),
  );

  socket.on('disconnect', () => {
    const sessionId = socket.data.livePresence?.sessionId;
    if (sessionId === undefined) return;
    rooms.leave(sessionId, socket.id);
    presence.changed(sessionId);
  });

  /** Registers a mutation: acknowledges `{ seq }`, broadcasting only what was newly applied. */
  const mutation = <S extends z.ZodType<{ sessionId: number; clientId: string }>>(
    event: MutationCommand,
    parse: S,
    run: (
      input: z.infer<S>,
      base: { sequelize: Sequelize; actor: SessionActor; sessionId: number; clientId: string },
    ) => Promise<MutationResult>,
  ) =>
    socket.on(
      event,
      command(socket, logger, parse, async (input): Promise<MutationAck | AnswerThen<MutationAck>> => {
        joined(input.sessionId);
        const who = actor();
        const result = await run(input, {
          sequelize,
          actor: who,
          sessionId: input.sessionId,
          clientId: input.clientId,
        });
        if (!result.event) return { seq: result.seq };
        const { event, session } = result;
        return new AnswerThen({ seq: result.seq }, () => {
          broadcastEvent(io, session, event, viewerOf(who));
          if (event.type.startsWith('timer:') || event.type === 'session:closed') scheduleTimerEnd(session);
        });
      }),
    );

  mutation('note:add', schema.noteAddSchema, ({ lane, column, text, colour }, base) =>
    addNote({ ...base, note: { lane, column, text, colour } }),
  );
  mutation('note:edit', schema.noteEditSchema, ({ noteId, text }, base) => editNote({ ...base, noteId, text }));
  mutation('note:move', schema.noteMoveSchema, ({ noteId, lane, column }, base) =>
    moveNote({ ...base, noteId, lane, column }),
  );
  mutation('note:colour', schema.noteColourSchema, ({ noteId, colour }, base) =>
    colourNote({ ...base, noteId, colour }),
  );
  mutation('note:delete', schema.noteDeleteSchema, ({ noteId }, base) => deleteNote({ ...base, noteId }));
  mutation('note:cluster', schema.noteClusterSchema, ({ noteId, clusterId }, base) =>
    clusterNote({ ...base, noteId, clusterId }),
  );
  mutation('cluster:create', schema.clusterCreateSchema, ({ label }, base) => createCluster({ ...base, label }));
  mutation('cluster:rename', schema.clusterRenameSchema, ({ clusterId, label }, base) =>
    renameCluster({ ...base, clusterId, label }),
  );
  mutation('cluster:delete', schema.clusterDeleteSchema, ({ clusterId }, base) =>
    deleteCluster({ ...base, clusterId }),
  );
  mutation('vote:cast', schema.voteSchema, ({ noteId }, base) => vote({ ...base, noteId, delta: 1 }));
  mutation('vote:retract', schema.voteSchema, ({ noteId }, base) => vote({ ...base, noteId, delta: -1 }));
  mutation('session:lock', schema.lockSchema, (lock, base) => setLock({ ...base, lock, locked: true }));
  mutation('session:unlock', schema.lockSchema, (lock, base) => setLock({ ...base, lock, locked: false }));
  mutation('phase:set', schema.phaseSchema, ({ phase }, base) => setPhase({ ...base, phase }));
  mutation('timer:start', schema.timerStartSchema, ({ durationSeconds }, base) =>
    timer({ ...base, action: 'start', durationSeconds }),
  );
  mutation('timer:pause', schema.plainMutationSchema, (_input, base) => timer({ ...base, action: 'pause' }));
  mutation('timer:reset', schema.plainMutationSchema, (_input, base) => timer({ ...base, action: 'reset' }));
  mutation('votes:reveal', schema.plainMutationSchema, (_input, base) => revealVotes(base));
  mutation('votes:hide', schema.plainMutationSchema, (_input, base) => hideVotes(base));
  mutation('budget:set', schema.budgetSchema, ({ voteBudget }, base) => setBudget({ ...base, voteBudget }));
  mutation('session:close', schema.plainMutationSchema, (_input, base) => closeSession(base));
}
