import type { Sequelize } from 'sequelize';
import { SiltaError } from '../../errors';
import type { Practice } from '../../store/models';
import { SessionCluster, SessionNote, SessionVote, type LiveSession } from '../../store/session-models';
import { createPractice } from '../board/board.service';
import type { Launch } from '../launches/launch.service';
import { chooseRegion, regionOf } from '../regions/region.service';
import { isFacilitator, requireFacilitator } from './session.policy';
import { displayNames } from '../people/display-names';
import { sessionFor, templateOf } from './session-mutation';
import { draftPracticeInput } from './session-outcome.export';
import type { SessionTemplate } from './session-template';
import { actorOf } from './session.service';

/** One note of the outcome with what the viewer may know of it. */
export type OutcomeNote = {
  note: SessionNote;
  clusterLabel: string | null;
  /** Votes on the note; null when the viewer may not see totals yet. */
  votes: number | null;
  /** The author's name; always null in an anonymous session. */
  author: string | null;
};

/** A session's result as one viewer may see it: every live note, its cluster, and votes when visible. */
export type Outcome = {
  session: LiveSession;
  template: SessionTemplate;
  notes: OutcomeNote[];
  clusters: { id: string; label: string }[];
  votesVisible: boolean;
  facilitator: boolean;
  /** How many people wrote the notes. */
  contributors: number;
};

/**
 * The outcome of a session of the launch's course. A session of another course is
 * `session_not_found`, like an unknown id. Vote totals are for the facilitator, and for everyone
 * once the facilitator revealed them; an anonymous session never names authors.
 */
export async function loadOutcome(props: { launch: Launch; sessionId: number }): Promise<Outcome> {
  const actor = actorOf(props.launch);
  const session = await sessionFor(actor, props.sessionId);
  const facilitator = isFacilitator(actor);
  const votesVisible = facilitator || session.votesRevealed;
  const [notes, clusters, votes] = await Promise.all([
    SessionNote.findAll({ where: { sessionId: session.id, deletedAt: null }, order: [['id', 'ASC']] }),
    SessionCluster.findAll({ where: { sessionId: session.id, deletedAt: null }, order: [['id', 'ASC']] }),
    votesVisible ? SessionVote.findAll({ where: { sessionId: session.id } }) : Promise.resolve([]),
  ]);
  const totals = new Map<number, number>();
  for (const vote of votes) totals.set(vote.noteId, (totals.get(vote.noteId) ?? 0) + vote.count);
  const labels = new Map(clusters.map((c) => [c.clientId, c.label]));
  const names = session.anonymous
    ? new Map<number, string | null>()
    : await displayNames(
        notes.map((n) => n.authorId),
        actor.language,
      );
  return {
    session,
    template: templateOf(session),
    notes: notes.map((note) => ({
      note,
      clusterLabel: note.clusterId ? (labels.get(note.clusterId) ?? null) : null,
      votes: votesVisible ? (totals.get(note.id) ?? 0) : null,
      author: session.anonymous ? null : (names.get(note.authorId) ?? null),
    })),
    clusters: clusters.map((c) => ({ id: c.clientId, label: c.label })),
    votesVisible,
    facilitator,
    contributors: new Set(notes.map((n) => n.authorId)).size,
  };
}

/**
 * The facilitator publishes the outcome to the launch's board as a draft practice of their
 * region (the board's region logic; `region` from the form when they have none yet, which also
 * becomes their board region). The draft is theirs alone until they publish it from the edit form.
 */
export async function publishOutcome(props: {
  sequelize: Sequelize;
  launch: Launch;
  sessionId: number;
  region?: string;
}): Promise<Practice> {
  const { launch } = props;
  requireFacilitator(actorOf(launch));
  const outcome = await loadOutcome(props);
  let { region } = await regionOf(launch);
  if (!region) {
    if (!props.region) throw new SiltaError('session_outcome_region_required', 'bad_request');
    region = await chooseRegion(props.sequelize, launch, props.region);
  }
  // No live-board events: a draft is not news for the board until its author publishes it.
  return createPractice({
    sequelize: props.sequelize,
    launch,
    input: draftPracticeInput(outcome, region.code, launch.language),
  });
}
