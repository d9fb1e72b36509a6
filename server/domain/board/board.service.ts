import { Op, type Sequelize, type WhereOptions } from 'sequelize';
import { SiltaError } from '../../errors';
import { Practice, Region } from '../../store/models';
import { inTransaction } from '../../store/transaction';
import { listRegions } from '../regions/region.service';
import type { Launch } from '../launches/launch.service';
import type { BoardEvents } from './board-events';
import { authorize, can } from './board.policy';
import { BOARD_KEY, DRAFT_STATUS, type ListQuery, type PracticeInput } from './board.schema';
import { listingSort } from './practice-search';
import { findPracticePage, readQuery, type ListedCard } from './search/practice-finder';
import { cardColumns, readCards, type PracticeCard } from './practice-card';
import { writeLemmas } from './search/practice-index';
import { SHARED_PRACTICE } from './shared-practice';

/** The board a launch is in: its platform (issuer) and board key. Every board query is scoped by both. */
export type Board = { issuer: string; key: string };

export const DEFAULT_BOARD = 'default';
export const PAGE_SIZE = 20;

/** The launch's board: the platform's default one, or the one named by custom parameter `board`. */
export function boardOf(launch: Launch): Board {
  const named = launch.custom.board;
  if (named !== undefined && !BOARD_KEY.test(named)) throw new SiltaError('board_not_found', 'not_found', named);
  return { issuer: launch.platform.issuer, key: named || DEFAULT_BOARD };
}

const scope = (board: Board) => ({ issuer: board.issuer, boardKey: board.key });

/** Drafts are their author's alone and listed apart (draftsOf): no listing of practices counts one. */
const published: WhereOptions<Practice> = { status: { [Op.ne]: DRAFT_STATUS } };

async function knownRegion(code: string): Promise<void> {
  if (!(await Region.findByPk(code))) throw new SiltaError('region_not_found', 'bad_request', code);
}

const columns = (input: PracticeInput) => ({
  regionCode: input.region,
  title: input.title,
  summary: input.summary,
  need: input.need,
  whatWasDone: input.whatWasDone,
  results: input.results,
  actors: JSON.stringify(input.actors),
  themes: JSON.stringify(input.themes),
  links: JSON.stringify(input.links),
  status: input.status,
  language: input.language,
});

/**
 * Publishes a practice on the launch's board; it is on disk before the author is told, and then
 * `events` (the live board; none for scripts) hears of it.
 */
export async function createPractice(props: {
  sequelize: Sequelize;
  launch: Launch;
  input: PracticeInput;
  events?: BoardEvents;
}): Promise<Practice> {
  const board = boardOf(props.launch);
  await knownRegion(props.input.region);
  const practice = await inTransaction(props.sequelize, async (transaction) => {
    const created = await Practice.create(
      { ...scope(board), authorId: props.launch.user.id, ...columns(props.input) },
      { transaction },
    );
    await writeLemmas(props.sequelize, [created], transaction);
    return created;
  });
  props.events?.publish(board, { type: 'practice:created', practice });
  return practice;
}

/**
 * A practice of the launch's board by id. A practice of another board or platform, or a hidden
 * one the user may not see, is `practice_not_found`: its existence is not revealed.
 */
export async function getPractice(launch: Launch, id: number): Promise<Practice> {
  const practice = await Practice.findOne({ where: { id, ...scope(boardOf(launch)) } });
  const othersDraft = practice?.status === DRAFT_STATUS && practice.authorId !== launch.user.id;
  if (!practice || othersDraft || (practice.hiddenAt && !can(launch, 'see-hidden', practice)))
    throw new SiltaError('practice_not_found', 'not_found', String(id));
  return practice;
}

/** The author edits their own practice; a draft given another status is published, live too. */
export async function updatePractice(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
  input: PracticeInput;
  events?: BoardEvents;
}): Promise<Practice> {
  const practice = await getPractice(props.launch, props.practiceId);
  authorize(props.launch, 'edit', practice);
  await knownRegion(props.input.region);
  const wasDraft = practice.status === DRAFT_STATUS;
  await inTransaction(props.sequelize, async (transaction) => {
    await practice.update(columns(props.input), { transaction });
    await writeLemmas(props.sequelize, [practice], transaction);
  });
  if (wasDraft && practice.status !== DRAFT_STATUS)
    props.events?.publish(boardOf(props.launch), { type: 'practice:created', practice });
  return practice;
}

/** The author deletes their own practice, with its comments, reactions and adoptions. */
export async function deletePractice(props: {
  sequelize: Sequelize;
  launch: Launch;
  practiceId: number;
  events?: BoardEvents;
}): Promise<void> {
  const practice = await getPractice(props.launch, props.practiceId);
  authorize(props.launch, 'delete', practice);
  await inTransaction(props.sequelize, (transaction) => practice.destroy({ transaction }));
  // Nobody else ever saw a draft.
  if (practice.status !== DRAFT_STATUS)
    props.events?.publish(boardOf(props.launch), { type: 'practice:deleted', practiceId: practice.id });
}

/**
 * Filters, searches, sorts and pages the practices of a board. A query is a full-text search
 * (practice-search.ts) combined with the filters; with one, "relevance" ranks the matches. Hidden
 * practices are left out unless the viewer moderates.
 */
export async function searchPractices(props: { launch: Launch; query: ListQuery }): Promise<{
  rows: ListedCard[];
  total: number;
  shared: number;
  more: boolean;
  page: number;
  pages: number;
  /** The query has no word to look for (only punctuation, or only excluded words). */
  nothingToFind: boolean;
}> {
  const { launch, query } = props;
  const and: WhereOptions<Practice>[] = [scope(boardOf(launch)), published];
  if (!can(launch, 'moderate')) and.push({ hiddenAt: null });
  if (query.region) and.push({ regionCode: query.region });
  if (query.wave !== undefined) {
    const codes = (await listRegions()).filter((r) => r.wave === query.wave).map((r) => r.code);
    and.push({ regionCode: { [Op.in]: codes } });
  }
  // Codes come from fixed lists and never contain quotes, so the quoted code matches one element.
  // Each code's partial index (migration 0044) has this very predicate: keep the two alike.
  if (query.theme) and.push({ themes: { [Op.like]: `%"${query.theme}"%` } });
  if (query.actor) and.push({ actors: { [Op.like]: `%"${query.actor}"%` } });
  if (query.status) and.push({ status: query.status });
  if (query.language) and.push({ language: query.language });
  const search = query.q ? readQuery(query.q) : null;
  const offset = (query.page - 1) * PAGE_SIZE;
  const sort = listingSort(query);
  const find = (filters: WhereOptions<Practice>, limit = PAGE_SIZE) =>
    findPracticePage({ filters, query: search, sort, limit, offset, selective: Boolean(query.region) });
  // A query with nothing to find (only punctuation, only excluded words) finds nothing.
  const nothingToFind = Boolean(query.q && !search);
  const { rows, count, more } = nothingToFind ? { rows: [], count: 0, more: false } : await find({ [Op.and]: and });
  // Moderators also see hidden practices (marked so); the count of shared ones leaves them out.
  const shared =
    can(launch, 'moderate') && count > 0 ? (await find({ [Op.and]: [...and, SHARED_PRACTICE] }, 0)).count : count;
  // Past the counted matches the pages go on while they are full; relevance ranks the newest
  // COUNT_CAP matches only, so its pages end there.
  const pages = Math.max(
    1,
    Math.ceil(count / PAGE_SIZE),
    more && sort !== 'relevance' && rows.length === PAGE_SIZE ? query.page + 1 : 0,
  );
  return { rows, total: count, shared, more, page: query.page, pages, nothingToFind };
}

/** The shared practices of a region on the launch's board (shared-practice.ts), newest first. */
export async function practicesOfRegion(launch: Launch, regionCode: string): Promise<Practice[]> {
  const where: WhereOptions<Practice> = { [Op.and]: [{ ...scope(boardOf(launch)), regionCode }, SHARED_PRACTICE] };
  return Practice.findAll({
    where,
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 500,
  });
}

/** How many of the user's drafts the board's listing shows; the rest are on their own page. */
export const DRAFTS_ON_BOARD = 6;
/** How many drafts a page of drafts lists (the last edited first). */
export const DRAFTS_LISTED = 100;

/**
 * The user's own drafts on the launch's board (of one region when given), the last edited first,
 * at most `limit`: only they see them. A live session's outcomes arrive as drafts, so a
 * facilitator can have hundreds.
 */
export async function draftsOf(
  launch: Launch,
  options: { regionCode?: string; limit: number },
): Promise<PracticeCard[]> {
  const board = boardOf(launch);
  const { regionCode, limit } = options;
  // Cards from a raw statement: every board page asks (practice-card.ts).
  const region = regionCode ? ' AND p.region_code = ?' : '';
  const sql = `SELECT ${cardColumns('p')} FROM practices AS p WHERE p.issuer = ? AND p.board_key = ? AND p.author_id = ? AND p.status = ?${region} ORDER BY p.updated_at DESC, p.id DESC LIMIT ?`;
  const replacements = [
    board.issuer,
    board.key,
    launch.user.id,
    DRAFT_STATUS,
    ...(regionCode ? [regionCode] : []),
    limit,
  ];
  return readCards(sql, replacements);
}
