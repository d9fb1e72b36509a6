import { Op, type Transaction } from 'sequelize';
import { User } from '../../store/models';
import { LiveSession, SessionEventRow, SessionNote, SessionParticipant, SessionVote } from '../../store/session-models';
import { json, plain, type PersonalDataSource } from './personal-data';

/**
 * Replaces every string in a JSON value that equals one of `values` (a name, an email, a note's
 * text) by its replacement. The session log stores broadcast payloads, whose shape belongs to
 * the sessions feature; matching whole values keeps this independent of that shape.
 */
export function scrubJson(value: unknown, values: Map<string, string | null>): unknown {
  if (typeof value === 'string') return values.has(value) ? values.get(value) : value;
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, values));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, values)]));
  return value;
}

/** Sessions the user took part in in any way. */
async function sessionsOf(userId: number, transaction: Transaction): Promise<number[]> {
  const ids = new Set<number>();
  const add = (rows: { sessionId: number }[]) => rows.forEach((r) => ids.add(r.sessionId));
  add(await SessionParticipant.findAll({ attributes: ['sessionId'], where: { userId }, transaction }));
  add(await SessionNote.findAll({ attributes: ['sessionId'], where: { authorId: userId }, transaction }));
  add(await SessionVote.findAll({ attributes: ['sessionId'], where: { voterId: userId }, transaction }));
  add(await SessionEventRow.findAll({ attributes: ['sessionId'], where: { actorId: userId }, transaction }));
  (await LiveSession.findAll({ attributes: ['id'], where: { createdBy: userId }, transaction })).forEach((s) =>
    ids.add(s.id),
  );
  return [...ids];
}

/** Rewrites the stored payloads of these sessions' events with `values` replaced. */
async function scrubEvents(
  sessionIds: number[],
  values: Map<string, string | null>,
  transaction: Transaction,
): Promise<void> {
  if (!values.size || !sessionIds.length) return;
  const events = await SessionEventRow.findAll({
    attributes: ['id', 'payload'],
    where: { sessionId: { [Op.in]: sessionIds } },
    transaction,
  });
  for (const event of events) {
    const payload = JSON.stringify(scrubJson(JSON.parse(event.payload), values));
    if (payload !== event.payload) await SessionEventRow.update({ payload }, { where: { id: event.id }, transaction });
  }
}

/**
 * Live sessions: those the user ran, their notes, votes, participation and the log of what they
 * did. Erasure keeps notes, votes and participation under "deleted user" and takes the user's
 * name and email out of the session logs; with `remove` their notes are deleted (as a deleted
 * note is) and their text taken out of the logs too.
 */
export const sessionsPersonalData: PersonalDataSource = {
  name: 'sessions',
  tables: ['live_sessions', 'session_notes', 'session_votes', 'session_participants', 'session_events'],
  async export(userId, transaction) {
    const order: [string, string][] = [['id', 'ASC']];
    return {
      sessionsRun: (
        await LiveSession.findAll({
          attributes: [
            'id',
            'contextId',
            'resourceLinkId',
            'title',
            'language',
            'templateKey',
            'createdAt',
            'closedAt',
          ],
          where: { createdBy: userId },
          order,
          transaction,
        })
      ).map((s) => plain(s)),
      participation: (await SessionParticipant.findAll({ where: { userId }, order, transaction })).map((p) => plain(p)),
      notes: (await SessionNote.findAll({ where: { authorId: userId }, order, transaction })).map((n) => plain(n)),
      votes: (await SessionVote.findAll({ where: { voterId: userId }, order, transaction })).map((v) => plain(v)),
      actions: (await SessionEventRow.findAll({ where: { actorId: userId }, order, transaction })).map((e) => ({
        ...plain(e),
        payload: json(e.payload),
      })),
    };
  },
  async erase(userId, mode, transaction) {
    const user = await User.findByPk(userId, { transaction, rejectOnEmpty: true });
    const values = new Map<string, string | null>();
    for (const personal of [
      user.name,
      [user.givenName, user.familyName].filter(Boolean).join(' '),
      user.givenName,
      user.familyName,
      user.email,
    ])
      if (personal) values.set(personal, null);
    if (mode.remove) {
      const notes = await SessionNote.findAll({ attributes: ['id', 'text'], where: { authorId: userId }, transaction });
      for (const note of notes) if (note.text) values.set(note.text, '');
      await SessionNote.update({ text: '', deletedAt: new Date() }, { where: { authorId: userId }, transaction });
    }
    await scrubEvents(await sessionsOf(userId, transaction), values, transaction);
  },
};
