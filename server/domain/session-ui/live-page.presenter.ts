import { translator, type Language } from '../../i18n';
import { formatRemaining } from './time-left';
import { cellEstimateRem } from './wall-estimate';
import {
  NOTE_COLOURS,
  type ClusterView,
  type NoteView,
  type SessionState,
  type TimerView,
} from '../../sockets/session-events';

/** The id the note `<template>` carries; the browser client replaces it with a note's id. */
export const NOTE_PLACEHOLDER = '__NOTE__';

type Option = { value: string; label: string; selected: boolean };

/**
 * What the note partial (views/partials/session-note.hbs) draws: the text, the colour and the
 * badges. Its menu panel (author, votes, change forms) is the client's, built on first open
 * (decision 0034).
 */
export type NoteModel = {
  id: string;
  text: string;
  colour: string;
  colourLabel: string;
  /** The group's name as a badge on the note ('' without a group). */
  clusterBadge: string;
  /** Votes as a badge: the total where the viewer sees totals, else their own ('' for none). */
  votesBadge: string;
  /** Either badge is shown (else the badge row is hidden and takes no room). */
  hasBadges: boolean;
};

const options = (items: { key: string; label: string }[], selected: string | null): Option[] =>
  items.map((i) => ({ value: i.key, label: i.label, selected: i.key === selected }));

function timerText(timer: TimerView, serverNow: string, t: ReturnType<typeof translator>): string {
  if (timer.status === 'running') return formatRemaining(Date.parse(timer.endsAt) - Date.parse(serverNow));
  if (timer.status === 'paused')
    return t('session_ui.client.timer_paused', { time: formatRemaining(timer.remainingMs) });
  return t('session_ui.client.timer_idle');
}

/**
 * The strings the browser client needs, with `{{placeholders}}` left for it to fill: its own
 * (`session_ui.client`) and the page's that it redraws (presence, colours, clusters, vote counts).
 */
function clientStrings(t: ReturnType<typeof translator>): Record<string, string> {
  const group = (key: string, prefix: string) =>
    Object.fromEntries(
      Object.entries(t(key, { returnObjects: true }) as Record<string, string>).map(([k, v]) => [`${prefix}${k}`, v]),
    );
  const keep = (key: string, ...names: string[]) => t(key, Object.fromEntries(names.map((n) => [n, `{{${n}}}`])));
  return {
    ...group('session_ui.client', ''),
    ...group('session_ui.presence', 'presence_'),
    ...group('session_ui.colours', 'colour_'),
    ...group('session_ui.clusters', 'clusters_'),
    budget: keep('session_ui.votes.budget', 'left', 'budget'),
    mine: keep('session_ui.note.mine', 'count'),
    total: keep('session_ui.note.total', 'count'),
    by: keep('session_ui.note.by', 'name'),
    place: keep('session_ui.cell_label', 'lane', 'column'),
    no_cluster: t('session_ui.note.no_cluster'),
    ...group('session_wall.client', ''),
    cluster_collapse: keep('session_wall.cluster_collapse', 'label'),
    cluster_expand: keep('session_wall.cluster_expand', 'label'),
  };
}

/**
 * The live session page, server-rendered from the same state the socket `session:join` returns,
 * so it reads (and works for screen readers) before the browser client connects. The client
 * then keeps it current with the same markup (the note `<template>`).
 */
export function presentLivePage(props: { state: SessionState; lt: string; language: Language; present?: boolean }) {
  const { state, lt, language } = props;
  const t = translator(language);
  const { session, template, votes, me } = state;
  const phaseLocked = session.phase !== null && session.lockedPhases.includes(session.phase);
  const stopsParticipants = session.locked || phaseLocked;
  const clusterLabels = new Map(state.clusters.map((c) => [c.id, c.label]));
  const colourOptions = (selected: string | null) =>
    NOTE_COLOURS.map((c) => ({ value: c, label: t(`session_ui.colours.${c}`), selected: c === selected }));
  const clusterOptions = (clusters: ClusterView[], selected: string | null) => [
    { value: '', label: t('session_ui.note.no_cluster'), selected: selected === null },
    ...clusters.map((c) => ({ value: c.id, label: c.label, selected: c.id === selected })),
  ];

  const votesBadge = (noteId: string) => {
    const total = votes.totals?.[noteId] ?? 0;
    const mine = votes.mine[noteId] ?? 0;
    if (votes.totals !== null) return total > 0 ? t('session_ui.note.total', { count: total }) : '';
    return mine > 0 ? t('session_ui.note.mine', { count: mine }) : '';
  };
  const noteModel = (note: NoteView): NoteModel => {
    const clusterBadge = (note.clusterId && clusterLabels.get(note.clusterId)) || '';
    const votesText = votesBadge(note.id);
    return {
      id: note.id,
      text: note.text,
      colour: note.colour,
      colourLabel: t(`session_ui.colours.${note.colour}`),
      clusterBadge,
      votesBadge: votesText,
      hasBadges: Boolean(clusterBadge || votesText),
    };
  };

  const lanes = template.lanes.map((lane, laneIndex) => {
    const cells = template.columns.map((column, columnIndex) => {
      const notes = state.notes.filter((n) => n.lane === lane.key && n.column === column.key).map(noteModel);
      return {
        lane: lane.key,
        column: column.key,
        label: column.label,
        place: t('session_ui.cell_label', { lane: lane.label, column: column.label }),
        id: `cell-${laneIndex}-${columnIndex}`,
        notes,
        /** Its height in rem until the browser draws it (wall-estimate.ts). */
        estimate: cellEstimateRem(notes),
      };
    });
    return {
      key: lane.key,
      label: lane.label,
      headingId: `lane-${laneIndex}`,
      cells,
      /** A lane is as tall as its tallest cell. */
      estimate: Math.max(...cells.map((c) => c.estimate)),
    };
  });

  const votesLeft = Math.max(0, session.voteBudget - votes.used);
  const placeholder: NoteView = {
    id: NOTE_PLACEHOLDER,
    lane: '',
    column: '',
    phase: null,
    text: '',
    colour: NOTE_COLOURS[0],
    clusterId: null,
    author: { handle: '', name: null },
  };
  const sessionUrl = `/sessions/${session.id}?lt=${encodeURIComponent(lt)}`;
  return {
    lang: language,
    title: session.title,
    lt,
    present: props.present === true,
    // The layout's <body> class: the wall's wide page, and the presenter view without the site
    // header (classes, not `main:has(.session)` rules: those re-scanned the page on every note).
    bodyClass: props.present === true ? 'page-session page-session--present' : 'page-session',
    sessionUrl,
    presentUrl: `${sessionUrl}&present`,
    outcomeUrl: `/sessions/${session.id}/outcome?lt=${encodeURIComponent(lt)}`,
    // Everyone reaches the outcome once the session is closed; the facilitator at any time.
    outcomeVisible: me.facilitator || session.closed,
    columns: template.columns,
    session,
    me,
    template: {
      title: template.title,
      description: template.description,
      phases: options(template.phases, session.phase),
    },
    phaseLabel: template.phases.find((p) => p.key === session.phase)?.label ?? t('session_ui.no_phase'),
    phaseLocked,
    timerText: timerText(session.timer, state.serverNow, t),
    timerPaused: session.timer.status === 'paused',
    addDisabled: session.closed || (!me.facilitator && stopsParticipants),
    lanes,
    clusters: state.clusters,
    votesLeft,
    voteBlocked: session.closed || votesLeft === 0,
    participants: state.participants.map((p) => ({ ...p, you: p.key === me.presenceKey })),
    colours: colourOptions(NOTE_COLOURS[0]),
    // The new-note template and the one shared copy of the menu panel with its change forms
    // (filled in by the client).
    noteTemplate: {
      ...noteModel(placeholder),
      colourLabel: '',
      frozen: false,
      lanes: options(template.lanes, null),
      columns: options(template.columns, null),
      colours: colourOptions(null),
      clusters: clusterOptions(state.clusters, null),
    },
    clientStrings: clientStrings(t),
  };
}

export type LivePage = ReturnType<typeof presentLivePage>;
