import { translator, type Language } from '../../i18n';
import type { Practice, PracticeAdoption, PracticeComment, Region } from '../../store/models';
import type { Launch } from '../launches/launch.service';
import { renderMarkdown } from '../modules/markdown';
import { displayNames } from '../people/display-names';
import { regionName } from '../regions/region.service';
import { can } from './board.policy';
import { ACTORS, LIMITS, SORTS, STATUSES, THEMES, type ListQuery } from './board.schema';
import { listingSort } from './practice-search';
import { formatDate } from '../../i18n/format';
import { countsSentence, regionLine, tagsOf } from './card-labels';
import type { PracticeCard } from './practice-card';

const LANGUAGE_NAMES: Record<Language, string> = { fi: 'suomi', sv: 'svenska', en: 'English' };

const list = (json: string) => JSON.parse(json) as string[];
/** A date as the board shows it in a language (the formatters are built once: about 140 µs each). */
export const day = (date: Date, lang: Language) => formatDate(lang, date);

/** The listing's filters (query string keys), besides sorting and paging. */
const LIST_FILTERS = ['region', 'wave', 'theme', 'actor', 'status', 'language', 'q'] as const;

/** Regions by their code, for presenting cards. */
export const regionsByCode = (regions: Region[]) => new Map(regions.map((r) => [r.code, r]));

/** A practice in a list: the facts a reader scans before opening it. */
export function presentCard(practice: PracticeCard, regions: Map<string, Region>, lang: Language) {
  const region = regions.get(practice.regionCode);
  const name = region ? regionName(region, lang) : practice.regionCode;
  const status = translator(lang)(`board.status.${practice.status}`);
  const themes = tagsOf(practice.themes, 'themes', lang).labels;
  const date = day(practice.createdAt, lang);
  return {
    id: practice.id,
    title: practice.title,
    summary: practice.summary,
    regionName: name,
    wave: region?.wave,
    status,
    themes,
    useful: practice.usefulCount,
    adopted: practice.adoptionCount,
    comments: practice.commentCount,
    hidden: !!practice.hiddenAt,
    date,
    // One line each, shared by the card partial and the live board's cards.
    meta: [region ? regionLine(region, lang) : name, status, date, ...themes].join(' · '),
    counts: presentCounts(practice, lang),
  };
}

/** A practice's useful, adoption and comment counts as one sentence. */
export function presentCounts(
  practice: Pick<PracticeCard, 'usefulCount' | 'adoptionCount' | 'commentCount'>,
  lang: Language,
): string {
  return countsSentence(lang, practice.usefulCount, practice.adoptionCount, practice.commentCount);
}

/** What is wrong with a board search: no word to look for, or the text typed over the limit. */
export type SearchProblem = 'no_words' | { tooLong: string };

/** Paging links only where there is more than one page (or a page past the end to come back from): "page 1 of 1" under an empty result read as a fault. */
export const needsPaging = (page: number, pages: number) => pages > 1 || page > 1;

/**
 * The listing page: filters with their current values, counts and paging links (the cards are
 * the caller's: presentGridCard).
 */
export function presentListing(props: {
  launch: Launch;
  query: ListQuery;
  result: { total: number; more?: boolean; page: number; pages: number };
  regions: Region[];
  myRegion: Region | null;
  /** What is wrong with the search, told next to its field. */
  searchProblem?: SearchProblem | null;
}) {
  const { launch, query, result, regions } = props;
  const lang = launch.language;
  const t = translator(lang);
  const options = (values: readonly string[], label: (v: string) => string, selected: unknown) =>
    values.map((v) => ({ value: v, label: label(v), selected: v === selected }));
  const waves = [...new Set(regions.map((r) => r.wave))].sort((a, b) => a - b);
  const params = (page: number) => {
    const p = new URLSearchParams({ lt: launch.sessionId });
    for (const key of [...LIST_FILTERS, 'sort'] as const)
      if (query[key] !== undefined && query[key] !== '') p.set(key, String(query[key]));
    p.set('page', String(page));
    return `/board?${p.toString()}`;
  };
  return {
    total: result.total,
    // Counting stops at 1,000 (search/practice-finder.ts): then the heading says "more than".
    totalMore: !!result.more,
    page: result.page,
    pages: result.pages,
    paged: needsPaging(result.page, result.pages),
    previous: result.page > 1 ? params(result.page - 1) : null,
    next: result.page < result.pages ? params(result.page + 1) : null,
    ...presentSearchProblem(props.searchProblem, query.q, t),
    filters: {
      regions: regions.map((r) => ({ value: r.code, label: regionName(r, lang), selected: r.code === query.region })),
      waves: waves.map((w) => ({ value: String(w), label: t('board.wave', { wave: w }), selected: w === query.wave })),
      themes: options(THEMES, (c) => t(`board.themes.${c}`), query.theme),
      actors: options(ACTORS, (c) => t(`board.actors.${c}`), query.actor),
      statuses: options(STATUSES, (c) => t(`board.status.${c}`), query.status),
      languages: options(['fi', 'sv', 'en'], (c) => LANGUAGE_NAMES[c as Language], query.language),
      // The default order (relevance with a query, newest without) is sent as no order, so a
      // query typed on the plain listing sorts by relevance.
      sorts: options(
        query.q ? SORTS : SORTS.filter((s) => s !== 'relevance'),
        (c) => t(`board.sort.${c}`),
        listingSort(query),
      ).map((o) => (o.value === listingSort({ q: query.q }) ? { ...o, value: '' } : o)),
    },
    myRegion: props.myRegion ? { code: props.myRegion.code, name: regionName(props.myRegion, lang) } : null,
    // New practices go live at the top only where they belong there: the unfiltered first page, newest first.
    liveInsert:
      result.page === 1 &&
      listingSort(query) === 'newest' &&
      LIST_FILTERS.every((key) => query[key] === undefined || query[key] === ''),
  };
}

/**
 * The search field's value and its error (GOV.UK error message and summary): the typed text stays
 * in the field to be corrected.
 */
function presentSearchProblem(
  problem: SearchProblem | null | undefined,
  q: string | undefined,
  t: ReturnType<typeof translator>,
) {
  if (!problem) return { q: q ?? '', searchError: null, errors: null };
  const searchError =
    problem === 'no_words'
      ? t('board.search_no_words')
      : t('errors.board_field_too_long', { field: t('board.filter.text'), max: LIMITS.query });
  return {
    q: problem === 'no_words' ? (q ?? '') : problem.tooLong,
    searchError,
    errors: { summary: [{ href: '#f-q', text: searchError }] },
  };
}

/** The practice form: fixed lists with what is checked, and the values so far. */
export function presentForm(
  lang: Language,
  regions: Region[],
  values: { region?: string; actors?: string[]; themes?: string[]; status?: string; language?: string },
) {
  const t = translator(lang);
  const checked = (codes: readonly string[], chosen: string[] | undefined, prefix: string) =>
    codes.map((c) => ({ value: c, label: t(`${prefix}.${c}`), checked: !!chosen?.includes(c) }));
  return {
    limits: LIMITS,
    regions: regions.map((r) => ({ value: r.code, label: regionName(r, lang), selected: r.code === values.region })),
    actors: checked(ACTORS, values.actors, 'board.actors'),
    themes: checked(THEMES, values.themes, 'board.themes'),
    statuses: STATUSES.map((s) => ({
      value: s,
      label: t(`board.status.${s}`),
      selected: s === (values.status ?? 'idea'),
    })),
    // Not `languages`: that name is the layout's language switch.
    practiceLanguages: (['fi', 'sv', 'en'] as const).map((l) => ({
      value: l,
      label: LANGUAGE_NAMES[l],
      selected: l === (values.language ?? lang),
    })),
  };
}

/** A practice's own values for the edit form. */
export function practiceValues(practice: Practice) {
  return {
    title: practice.title,
    summary: practice.summary,
    need: practice.need,
    whatWasDone: practice.whatWasDone,
    results: practice.results,
    links: list(practice.links).join('\n'),
    region: practice.regionCode,
    actors: list(practice.actors),
    themes: list(practice.themes),
    status: practice.status,
    language: practice.language,
  };
}

type CommentView = {
  id: number;
  author: string;
  html: string;
  date: string;
  hidden: boolean;
  hiddenReason: string | null;
  showBody: boolean;
  canDelete: boolean;
  canModerate: boolean;
  isReply: boolean;
  replies: CommentView[];
};

/** The practice page: Markdown fields rendered safely, comments with replies, adoptions and what the user may do. */
export async function presentPractice(props: {
  launch: Launch;
  practice: Practice;
  comments: PracticeComment[];
  adoptions: PracticeAdoption[];
  regions: Region[];
  useful: boolean;
  myRegion: Region | null;
}) {
  const { launch, practice, comments, adoptions } = props;
  const lang = launch.language;
  const t = translator(lang);
  const byCode = regionsByCode(props.regions);
  const names = await displayNames([practice.authorId, ...comments.map((c) => c.authorId)], lang);
  const moderator = can(launch, 'moderate');
  const name = (id: number) => names.get(id) || t('board.someone');
  const view = (c: PracticeComment): CommentView => ({
    id: c.id,
    author: name(c.authorId),
    // A hidden comment's text is shown to moderators (to restore it) and its author only.
    html: c.hiddenAt && !can(launch, 'see-hidden', c) ? '' : renderMarkdown(c.body),
    showBody: !c.hiddenAt || can(launch, 'see-hidden', c),
    date: day(c.createdAt, lang),
    hidden: !!c.hiddenAt,
    hiddenReason: c.hiddenReason ?? null,
    canDelete: can(launch, 'delete', c),
    canModerate: moderator,
    isReply: c.parentId !== null,
    replies: [],
  });
  const top = comments.filter((c) => c.parentId === null).map(view);
  const byId = new Map(top.map((c) => [c.id, c]));
  for (const reply of comments.filter((c) => c.parentId !== null)) byId.get(reply.parentId!)?.replies.push(view(reply));
  const region = byCode.get(practice.regionCode);
  const adoptedHere = !!props.myRegion && adoptions.some((a) => a.regionCode === props.myRegion!.code);
  return {
    practice: {
      ...presentCard(practice, byCode, lang),
      regionCode: practice.regionCode,
      regionName: region ? regionName(region, lang) : practice.regionCode,
      author: name(practice.authorId),
      needHtml: renderMarkdown(practice.need),
      whatWasDoneHtml: renderMarkdown(practice.whatWasDone),
      resultsHtml: practice.results ? renderMarkdown(practice.results) : '',
      actors: list(practice.actors).map((c) => t(`board.actors.${c}`)),
      links: list(practice.links),
      language: LANGUAGE_NAMES[practice.language as Language] ?? practice.language,
      hiddenReason: practice.hiddenReason,
    },
    comments: top,
    adoptions: adoptions.map((a) => {
      const r = byCode.get(a.regionCode);
      return {
        regionCode: a.regionCode,
        regionName: r ? regionName(r, lang) : a.regionCode,
        note: a.note,
        date: day(a.createdAt, lang),
      };
    }),
    useful: props.useful,
    canEdit: can(launch, 'edit', practice),
    canDelete: can(launch, 'delete', practice),
    canModerate: moderator,
    canAdopt: !!props.myRegion && !adoptedHere && !practice.hiddenAt,
    adoptedHere,
    myRegion: props.myRegion ? regionName(props.myRegion, lang) : null,
    limits: LIMITS,
  };
}
