import { translator, type Language } from '../../i18n';
import type { BoardModerationLog, Practice, PracticeComment } from '../../store/models';
import { localTime } from './board-time';
import { needsPaging } from './board.presenter';

/**
 * The moderation log page: per action who did it, what (hid or restored a practice or a comment),
 * when in Finnish local time with its zone, why, and a link to the item while it exists, with
 * paging links.
 */
export function presentModerationLog(props: {
  log: { rows: BoardModerationLog[]; total: number; page: number; pages: number };
  names: Map<number, string | null>;
  targets: { practices: Map<number, Practice>; comments: Map<number, PracticeComment> };
  lt: string;
  lang: Language;
}) {
  const { log, names, targets, lt, lang } = props;
  const t = translator(lang);
  const pageLink = (page: number) => `/board/moderation?lt=${encodeURIComponent(lt)}&page=${page}`;
  return {
    rows: log.rows.map((r) => {
      const comment = r.targetType === 'comment' ? targets.comments.get(r.targetId) : undefined;
      const practice = targets.practices.get(r.targetType === 'comment' ? (comment?.practiceId ?? -1) : r.targetId);
      const href = practice
        ? `/board/practices/${practice.id}?lt=${encodeURIComponent(lt)}${comment ? `#comment-${comment.id}` : ''}`
        : null;
      return {
        iso: r.createdAt.toISOString(),
        when: localTime(r.createdAt, lang),
        who: names.get(r.moderatorId) || t('board.someone'),
        action: r.action,
        what: t(`board.log.did.${r.action}_${r.targetType}`),
        item: practice
          ? comment
            ? t('board.log.comment_on', { title: practice.title })
            : practice.title
          : t('board.log.gone', { id: r.targetId }),
        itemLang: practice && !comment ? practice.language : null,
        href,
        reason: r.reason,
      };
    }),
    total: log.total,
    summary: t('board.log.summary', { count: log.total }),
    page: log.page,
    pages: log.pages,
    paged: needsPaging(log.page, log.pages),
    previous: log.page > 1 ? pageLink(log.page - 1) : null,
    next: log.page < log.pages ? pageLink(log.page + 1) : null,
  };
}
