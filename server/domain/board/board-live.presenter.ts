import { translator, type Language } from '../../i18n';
import { Practice, PracticeComment, type PracticeAdoption } from '../../store/models';
import { renderMarkdown } from '../modules/markdown';
import { listRegions, regionName } from '../regions/region.service';
import type { BoardEvent } from './board-events';
import { isShared } from './shared-practice';
import { displayNames } from '../people/display-names';
import { day, presentCard, presentCounts } from './board.presenter';

/** A practice card as the live board inserts it (the same lines as the server-rendered card). */
export type LiveCard = { id: number; title: string; summary: string; meta: string; counts: string; language: string };
/**
 * A comment as the live board appends it. `html` is the body rendered and sanitised by the same
 * renderer as the practice page (board.presenter.ts), so it looks as it does after a reload; it
 * is the only field the browser sets as HTML, every other one is set as text.
 */
export type LiveComment = {
  id: number;
  parentId: number | null;
  author: string;
  label: string;
  html: string;
  date: string;
};
export type LiveAdoption = { regionCode: string; regionName: string; note: string; date: string };

/** Every payload has the sentence a screen reader hears, in the viewer's language. */
export type PracticeShown = { practice: LiveCard; announcement: string };
export type PracticeGone = { practiceId: number; announcement: string };
export type CommentShown = { practiceId: number; counts: string; comment: LiveComment; announcement: string };
export type CommentGone = { practiceId: number; commentId: number; counts: string; announcement: string };
export type AdoptionShown = { practiceId: number; counts: string; adoption: LiveAdoption; announcement: string };

/** The live board's broadcasts by name (they are listed in the socket contract, events.ts). */
export type LivePayloads = {
  'practice:created': PracticeShown;
  'practice:restored': PracticeShown;
  'practice:hidden': PracticeGone;
  'practice:deleted': PracticeGone;
  'comment:created': CommentShown;
  'comment:restored': CommentShown;
  'comment:hidden': CommentGone;
  'comment:deleted': CommentGone;
  'adoption:created': AdoptionShown;
};

export type LiveBroadcast = { [K in keyof LivePayloads]: { name: K; payload: LivePayloads[K] } }[keyof LivePayloads];

/** Presents an event in one language, from what was loaded once for all languages. */
export type LivePresenter = (lang: Language) => LiveBroadcast;

/**
 * Loads what an event's payload needs (fresh counts, region and author names) once and returns
 * its presenter per language. Only what every board member may see leaves: an event about a
 * practice that is gone or hidden by the time it is presented gives null and is not broadcast.
 */
export async function presentLiveEvent(event: BoardEvent): Promise<LivePresenter | null> {
  if (event.type === 'practice:hidden' || event.type === 'practice:deleted') {
    const key = event.type === 'practice:hidden' ? 'board.live.practice_hidden' : 'board.live.practice_deleted';
    return (lang) => ({
      name: event.type,
      payload: { practiceId: event.practiceId, announcement: translator(lang)(key) },
    });
  }
  const id = 'practice' in event ? event.practice.id : event.practiceId;
  const practice = await Practice.findByPk(id);
  // Only a shared practice is news: a draft is its author's alone, a hidden one is not shared.
  if (!practice || !isShared(practice)) return null;
  switch (event.type) {
    case 'practice:created':
    case 'practice:restored':
      return presentPracticeShown(event.type, practice);
    case 'comment:created':
    case 'comment:restored':
      return presentCommentShown(event.type, practice, event.comment);
    case 'comment:hidden':
    case 'comment:deleted': {
      const key = event.type === 'comment:hidden' ? 'board.live.comment_hidden' : 'board.live.comment_deleted';
      return (lang) => ({
        name: event.type,
        payload: {
          practiceId: practice.id,
          commentId: event.commentId,
          counts: presentCounts(practice, lang),
          announcement: translator(lang)(key),
        },
      });
    }
    case 'adoption:created':
      return presentAdoption(practice, event.adoption);
  }
}

async function presentPracticeShown(
  name: 'practice:created' | 'practice:restored',
  practice: Practice,
): Promise<LivePresenter> {
  const regions = new Map((await listRegions()).map((r) => [r.code, r]));
  const key = name === 'practice:created' ? 'board.live.practice_created' : 'board.live.practice_restored';
  return (lang) => {
    const card = presentCard(practice, regions, lang);
    return {
      name,
      payload: {
        practice: {
          id: card.id,
          title: card.title,
          summary: card.summary,
          meta: card.meta,
          counts: card.counts,
          language: practice.language,
        },
        announcement: translator(lang)(key, { region: card.regionName, title: card.title }),
      },
    };
  };
}

async function presentCommentShown(
  name: 'comment:created' | 'comment:restored',
  practice: Practice,
  event: PracticeComment,
): Promise<LivePresenter | null> {
  // A comment deleted or hidden again before this event was presented stays out.
  const comment = await PracticeComment.findByPk(event.id);
  if (!comment || comment.hiddenAt) return null;
  const names = await displayNames([comment.authorId]);
  const key = comment.parentId === null ? 'board.live.comment_created' : 'board.live.reply_created';
  // The same for every language, so rendered once.
  const html = renderMarkdown(comment.body);
  return (lang) => {
    const t = translator(lang);
    const author = names.get(comment.authorId) || t('board.someone');
    return {
      name,
      payload: {
        practiceId: practice.id,
        counts: presentCounts(practice, lang),
        comment: {
          id: comment.id,
          parentId: comment.parentId,
          author,
          label: t('board.comment_by', { author }),
          html,
          date: day(comment.createdAt, lang),
        },
        announcement: t(key, { title: practice.title }),
      },
    };
  };
}

async function presentAdoption(practice: Practice, adoption: PracticeAdoption): Promise<LivePresenter> {
  const region = (await listRegions()).find((r) => r.code === adoption.regionCode);
  return (lang) => {
    const name = region ? regionName(region, lang) : adoption.regionCode;
    return {
      name: 'adoption:created',
      payload: {
        practiceId: practice.id,
        counts: presentCounts(practice, lang),
        adoption: {
          regionCode: adoption.regionCode,
          regionName: name,
          note: adoption.note,
          date: day(adoption.createdAt, lang),
        },
        announcement: translator(lang)('board.live.adoption_created', { region: name, title: practice.title }),
      },
    };
  };
}
