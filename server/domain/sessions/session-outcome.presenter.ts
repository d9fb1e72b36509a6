import { translator, type Language } from '../../i18n';
import { formatLongDate } from '../../i18n/format';
import type { OutcomeNote, Outcome } from './session-outcome.service';
import type { SessionTemplate } from './session-template';

/** A note placed in its lane and column, with labels in one language. */
export type PlacedNote = OutcomeNote & { laneLabel: string; columnLabel: string };

/** A lane of the template with its notes: by column (template order), most votes first, then oldest. */
export type LaneGroup = { key: string; label: string; notes: PlacedNote[] };

/** The session's date as a reader of `lang` writes it, in Finnish time (not the server's zone). */
export const outcomeDate = (outcome: Outcome, lang: Language) =>
  formatLongDate(lang, new Date(outcome.session.createdAt));

const labelOf = (items: SessionTemplate['lanes'], key: string, lang: Language) =>
  items.find((i) => i.key === key)?.label[lang] ?? key;

/** Notes with their lane and column labels, in template order (lane, column), then by votes and age. */
export function placedNotes(outcome: Outcome, lang: Language): PlacedNote[] {
  const { lanes, columns } = outcome.template;
  const rank = (items: SessionTemplate['lanes'], key: string) => {
    const index = items.findIndex((i) => i.key === key);
    return index < 0 ? items.length : index;
  };
  return outcome.notes
    .map((n) => ({
      ...n,
      laneLabel: labelOf(lanes, n.note.lane, lang),
      columnLabel: labelOf(columns, n.note.columnKey, lang),
    }))
    .sort(
      (a, b) =>
        rank(lanes, a.note.lane) - rank(lanes, b.note.lane) ||
        rank(columns, a.note.columnKey) - rank(columns, b.note.columnKey) ||
        (b.votes ?? 0) - (a.votes ?? 0) ||
        a.note.id - b.note.id,
    );
}

/** The template's lanes with their notes (lanes without notes included, so the page shows the whole map). */
export function laneGroups(outcome: Outcome, lang: Language): LaneGroup[] {
  const placed = placedNotes(outcome, lang);
  const groups = outcome.template.lanes.map((lane) => ({
    key: lane.key,
    label: lane.label[lang],
    notes: placed.filter((n) => n.note.lane === lane.key),
  }));
  // A note on a lane the template no longer has (it never should) still shows, under its key.
  const known = new Set(outcome.template.lanes.map((l) => l.key));
  for (const key of new Set(placed.filter((n) => !known.has(n.note.lane)).map((n) => n.note.lane)))
    groups.push({ key, label: key, notes: placed.filter((n) => n.note.lane === key) });
  return groups;
}

/** Clusters with their notes, then the notes in no cluster (label null). Empty clusters are left out. */
export function clusterGroups(outcome: Outcome, lang: Language): { label: string | null; notes: PlacedNote[] }[] {
  const placed = placedNotes(outcome, lang).sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.note.id - b.note.id);
  const groups = outcome.clusters.map((c) => ({
    label: c.label as string | null,
    notes: placed.filter((n) => n.note.clusterId === c.id),
  }));
  groups.push({ label: null, notes: placed.filter((n) => n.clusterLabel === null) });
  return groups.filter((g) => g.notes.length > 0);
}

/** The outcome page's view model: what the viewer may see, labels in their language. */
export function presentOutcomePage(props: {
  outcome: Outcome;
  lang: Language;
  lt: string;
  needsRegion: boolean;
  regions: { value: string; label: string }[];
}) {
  const { outcome, lang, lt } = props;
  const t = translator(lang);
  const { session } = outcome;
  const note = (n: PlacedNote) => ({
    text: n.note.text,
    colour: n.note.colour,
    colourLabel: t(`session_outcome.colour.${n.note.colour}`, { defaultValue: n.note.colour }),
    laneLabel: n.laneLabel,
    columnLabel: n.columnLabel,
    cluster: n.clusterLabel,
    votes: n.votes,
    votesText: n.votes === null ? null : t('session_outcome.votes', { count: n.votes }),
    author: n.author,
  });
  const base = `/sessions/${session.id}/outcome`;
  return {
    session: { id: session.id, title: session.title, closed: !!session.closedAt },
    templateTitle: outcome.template.title[lang],
    date: outcomeDate(outcome, lang),
    counts: t('session_outcome.counts', { count: outcome.notes.length, contributors: outcome.contributors }),
    anonymous: session.anonymous,
    votesVisible: outcome.votesVisible,
    votesHiddenNotice: !outcome.votesVisible,
    lanes: laneGroups(outcome, lang).map((g, i) => ({
      id: `lane-${i}`,
      label: g.label,
      notes: g.notes.map(note),
      empty: g.notes.length === 0,
    })),
    clusters: clusterGroups(outcome, lang).map((g, i) => ({
      id: `cluster-${i}`,
      label: g.label ?? t('session_outcome.unclustered'),
      notes: g.notes.map(note),
    })),
    hasNotes: outcome.notes.length > 0,
    markdownUrl: `${base}.md?lt=${lt}`,
    csvUrl: `${base}.csv?lt=${lt}`,
    sessionUrl: `/sessions/${session.id}?lt=${lt}`,
    publishAction: `${base}/publish`,
    canPublish: outcome.facilitator,
    needsRegion: props.needsRegion,
    regions: props.regions,
  };
}
