import { translator, type Language } from '../../i18n';
import type { CsvCell } from '../../http/csv';
import { ACTORS, LIMITS, type PracticeInput } from '../board/board.schema';
import { clusterGroups, laneGroups, outcomeDate, placedNotes } from './session-outcome.presenter';
import type { Outcome } from './session-outcome.service';

/** How many of a lane's most-voted notes go into a draft practice's "what was done". */
const TOP_NOTES_PER_LANE = 3;

/**
 * Plain text for Markdown: characters with a meaning there are escaped, and line breaks become
 * spaces, so a note is one list item that reads as it was typed.
 */
export const markdownText = (text: string) =>
  text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    // A list marker, heading or quote at the start would change what the line is.
    .replace(/^([#>+-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');

/** A file name for the session's export: its title made safe, and the extension. */
export function outcomeFilename(outcome: Outcome, extension: 'md' | 'csv'): string {
  const slug = outcome.session.title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'session'}-${outcome.session.id}.${extension}`;
}

/** The outcome as Markdown: a heading per lane and column, notes as bullets with votes (when visible), then the clusters. */
export function outcomeMarkdown(outcome: Outcome, lang: Language): string {
  const t = translator(lang);
  const item = (text: string, votes: number | null, author: string | null, extra: string[] = []) => {
    const parts = [...extra, votes === null ? null : t('session_outcome.votes', { count: votes }), author].filter(
      (p): p is string => !!p,
    );
    return `- ${markdownText(text)}${parts.length ? ` (${parts.map(markdownText).join(', ')})` : ''}`;
  };
  const lines = [
    `# ${markdownText(outcome.session.title)}`,
    '',
    `${markdownText(outcome.template.title[lang])} · ${outcomeDate(outcome, lang)} · ${t('session_outcome.counts', { count: outcome.notes.length, contributors: outcome.contributors })}`,
  ];
  if (!outcome.votesVisible) lines.push('', t('session_outcome.votes_hidden'));
  for (const lane of laneGroups(outcome, lang).filter((l) => l.notes.length > 0)) {
    lines.push('', `## ${markdownText(lane.label)}`);
    let column: string | undefined;
    for (const n of lane.notes) {
      if (n.columnLabel !== column) lines.push('', `### ${markdownText(n.columnLabel)}`, '');
      column = n.columnLabel;
      lines.push(
        item(
          n.note.text,
          n.votes,
          n.author,
          n.clusterLabel ? [t('session_outcome.in_cluster', { cluster: n.clusterLabel })] : [],
        ),
      );
    }
  }
  const clusters = clusterGroups(outcome, lang).filter((g) => g.label !== null);
  if (clusters.length) {
    lines.push('', `## ${t('session_outcome.by_cluster')}`);
    for (const cluster of clusters) {
      lines.push('', `### ${markdownText(cluster.label!)}`, '');
      for (const n of cluster.notes)
        lines.push(item(n.note.text, n.votes, n.author, [`${n.laneLabel} / ${n.columnLabel}`]));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The outcome as CSV rows, one per note: lane, column, cluster, text, colour, then votes when the
 * viewer may see them and the author unless the session is anonymous (those columns are left
 * out, not left empty). Formula injection is guarded by `toCsv`.
 */
export function outcomeCsvRows(outcome: Outcome, lang: Language): CsvCell[][] {
  const t = translator(lang);
  const header = ['lane', 'column', 'cluster', 'text', 'colour'].map((c) => t(`session_outcome.csv.${c}`));
  if (outcome.votesVisible) header.push(t('session_outcome.csv.votes'));
  if (!outcome.session.anonymous) header.push(t('session_outcome.csv.author'));
  const rows: CsvCell[][] = [header];
  for (const n of placedNotes(outcome, lang)) {
    const row: CsvCell[] = [
      n.laneLabel,
      n.columnLabel,
      n.clusterLabel ?? '',
      n.note.text,
      t(`session_outcome.colour.${n.note.colour}`, { defaultValue: n.note.colour }),
    ];
    if (outcome.votesVisible) row.push(n.votes ?? 0);
    if (!outcome.session.anonymous) row.push(n.author ?? '');
    rows.push(row);
  }
  return rows;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A draft practice from an outcome, in the session's language: the session's title, a summary
 * of what the session was, the method as the need it worked on (the facilitator rewrites it),
 * and "what was done" as the most-voted notes of each lane. Actors are the lanes with notes that
 * are service-chain actors. Authors are never named: the draft is the facilitator's text.
 */
export function draftPracticeInput(outcome: Outcome, region: string, viewerLang: Language): PracticeInput {
  const lang = (['fi', 'sv', 'en'] as const).find((l) => l === outcome.session.language) ?? viewerLang;
  const t = translator(lang);
  const lanes = laneGroups(outcome, lang).filter((l) => l.notes.length > 0);
  const done = lanes.flatMap((lane) => {
    const top = [...lane.notes]
      .sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.note.id - b.note.id)
      .slice(0, TOP_NOTES_PER_LANE);
    return [
      '',
      `**${markdownText(lane.label)}**`,
      '',
      ...top.map(
        (n) =>
          `- ${markdownText(n.columnLabel)}: ${markdownText(n.note.text)} (${t('session_outcome.votes', { count: n.votes ?? 0 })})`,
      ),
    ];
  });
  const whatWasDone = lanes.length
    ? [t('session_outcome.draft.what_was_done', { count: TOP_NOTES_PER_LANE }), ...done].join('\n')
    : t('session_outcome.draft.no_notes');
  const actorKeys: readonly string[] = ACTORS;
  return {
    title: clip(outcome.session.title, LIMITS.title),
    summary: clip(
      t('session_outcome.draft.summary', {
        title: outcome.session.title,
        template: outcome.template.title[lang],
        date: outcomeDate(outcome, lang),
        count: outcome.notes.length,
        contributors: outcome.contributors,
      }),
      LIMITS.summary,
    ),
    need: clip(outcome.template.description[lang], LIMITS.body),
    whatWasDone: clip(whatWasDone, LIMITS.body),
    results: '',
    actors: lanes.map((l) => l.key).filter((k): k is (typeof ACTORS)[number] => actorKeys.includes(k)),
    themes: outcome.template.key === 'service-chain' ? ['service-chain'] : [],
    status: 'draft',
    language: lang,
    region,
    links: [],
  };
}
