/**
 * The live board in the browser (progressive enhancement: without it the board works as plain
 * pages). It connects with a fresh realtime token, follows the board of its own launch, and
 * shows what others add or what moderators hide: cards on the listing, comments and adoptions on a
 * practice page. User text is set with textContent; the one exception is a comment's body, which
 * the server sends rendered and sanitised by the page's own Markdown renderer. Each change is told in
 * one polite live region, in the page's language (the server presents every sentence).
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AdoptionShown,
  CommentGone,
  CommentShown,
  PracticeGone,
  PracticeShown,
} from '../../server/domain/board/board-live.presenter';
import type { ClientToServerEvents, ConnectErrorData, ServerToClientEvents } from '../../server/sockets/events';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The refusal after which retrying cannot help: the launch itself is over. */
const FINAL_REFUSAL = 'session_expired';
const RETRY_AFTER_REFUSAL_MS = 15_000;

const one = <T extends Element>(selector: string, root: ParentNode = document): T | null =>
  root.querySelector<T>(selector);

/** A fresh handshake token for this page's launch (tokens last minutes; pages stay open longer). */
async function realtimeToken(lt: string): Promise<string | undefined> {
  const response = await fetch(`/realtime/token?lt=${encodeURIComponent(lt)}`, {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { token?: string }).token;
}

/** Fills a `<template>`'s first element: `data-slot` children get text; returns the element. */
function fromTemplate(id: string, slots: Record<string, string>): HTMLElement | null {
  const template = document.getElementById(id) as HTMLTemplateElement | null;
  const element = template?.content.firstElementChild?.cloneNode(true) as HTMLElement | undefined;
  if (!element) return null;
  for (const [slot, text] of Object.entries(slots)) {
    const target = one(`[data-slot="${slot}"], [data-live="${slot}"]`, element);
    if (target) target.textContent = text;
  }
  return element;
}

/** The listing page: new cards at the top where they belong there, otherwise a "show" link. */
function followListing(socket: LiveSocket, lt: string, announce: (s: string) => void): void {
  const list = one<HTMLUListElement>('[data-live="practices"]');
  const pending = one<HTMLElement>('[data-live="pending"]');
  let waiting = 0;
  const card = (id: number) => one<HTMLElement>(`[data-live="practices"] [data-practice-id="${id}"]`);

  socket.on('practice:created', ({ practice, announcement }: PracticeShown) => {
    if (list?.dataset.liveInsert === 'true') {
      if (!card(practice.id)) {
        const element = fromTemplate('live-card', {
          summary: practice.summary,
          meta: practice.meta,
          counts: practice.counts,
        });
        const link = element && one<HTMLAnchorElement>('h3 a', element);
        if (element && link) {
          element.dataset.practiceId = String(practice.id);
          link.href = `/board/practices/${practice.id}?lt=${encodeURIComponent(lt)}`;
          link.textContent = practice.title;
          // The practice's own text is read in its own language.
          if (practice.language) {
            link.lang = practice.language;
            const summary = one<HTMLElement>('[data-slot="summary"]', element);
            if (summary) summary.lang = practice.language;
          }
          list.prepend(element);
          one('[data-live="empty"]')?.remove();
        }
      }
    } else if (pending) {
      waiting += 1;
      const count = one('[data-live="pending-count"]', pending);
      if (count) count.textContent = String(waiting);
      pending.hidden = false;
    }
    announce(announcement);
  });
  socket.on('practice:restored', ({ announcement }: PracticeShown) => announce(announcement));
  const gone = ({ practiceId, announcement }: PracticeGone) => {
    const element = card(practiceId);
    if (!element) return;
    element.remove();
    announce(announcement);
  };
  socket.on('practice:hidden', gone);
  socket.on('practice:deleted', gone);
  const counts = ({ practiceId, counts: text }: { practiceId: number; counts: string }) => {
    const target = one(`[data-practice-id="${practiceId}"] [data-live="counts"]`);
    if (target) target.textContent = text;
  };
  for (const name of ['comment:created', 'comment:restored', 'comment:hidden', 'comment:deleted'] as const)
    socket.on(name, counts);
  socket.on('adoption:created', (payload: AdoptionShown) => {
    counts(payload);
    announce(payload.announcement);
  });
}

/** A practice page: its comments, replies and adoptions; the page empties if the practice goes. */
function followPractice(socket: LiveSocket, lt: string, practiceId: number, announce: (s: string) => void): void {
  const comments = one<HTMLElement>('[data-live="comments"]');
  const commentElement = (id: number) => document.getElementById(`comment-${id}`);

  const shown = ({ practiceId: id, comment, announcement }: CommentShown) => {
    if (id !== practiceId) return;
    if (!commentElement(comment.id)) {
      const element = fromTemplate('live-comment', { byline: `${comment.author}, ${comment.date}` });
      const body = element && one<HTMLElement>(':scope > .prose', element);
      if (!element || !body) return;
      // Sanitised on the server by the renderer the page uses (board-live.presenter.ts): the
      // only HTML the live board inserts, so the comment looks as it does after a reload.
      body.innerHTML = comment.html;
      element.id = `comment-${comment.id}`;
      element.setAttribute('aria-label', comment.label);
      const parent = comment.parentId === null ? null : commentElement(comment.parentId);
      if (parent) {
        const wrapper = document.createElement('div');
        wrapper.className = 'reply';
        wrapper.append(element);
        // Replies sit above the parent's reply form, as on the server-rendered page.
        parent.insertBefore(wrapper, one(':scope > form', parent));
      } else {
        comments?.append(element);
        one('[data-live="no-comments"]')?.remove();
      }
    }
    announce(announcement);
  };
  socket.on('comment:created', shown);
  socket.on('comment:restored', shown);
  socket.on('comment:hidden', ({ practiceId: id, commentId, announcement }: CommentGone) => {
    const element = commentElement(commentId);
    if (id !== practiceId || !element) return;
    const body = one<HTMLElement>(':scope > .prose', element);
    if (body) {
      const notice = document.createElement('p');
      notice.className = 'notice';
      notice.textContent = announcement;
      body.replaceWith(notice);
    }
    announce(announcement);
  });
  socket.on('comment:deleted', ({ practiceId: id, commentId, announcement }: CommentGone) => {
    const element = commentElement(commentId);
    if (id !== practiceId || !element) return;
    (element.parentElement?.classList.contains('reply') ? element.parentElement : element).remove();
    announce(announcement);
  });
  socket.on('adoption:created', ({ practiceId: id, adoption, announcement }: AdoptionShown) => {
    const list = one<HTMLUListElement>('[data-live="adoptions"]');
    if (id !== practiceId || !list) return;
    // The same shape as a server-rendered timeline entry: date, region, note.
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = adoption.date;
    const link = document.createElement('a');
    link.href = `/board/regions/${encodeURIComponent(adoption.regionCode)}?lt=${encodeURIComponent(lt)}`;
    link.textContent = adoption.regionName;
    item.append(time, link);
    if (adoption.note) {
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = adoption.note;
      item.append(note);
    }
    list.append(item);
    one('[data-live="no-adoptions"]')?.remove();
    announce(announcement);
  });
  const practiceGone = ({ practiceId: id, announcement }: PracticeGone) => {
    if (id !== practiceId) return;
    const content = one<HTMLElement>('[data-live="practice-content"]');
    const notice = one<HTMLElement>('[data-live="gone"]');
    if (content) content.hidden = true;
    if (notice) {
      notice.textContent = announcement;
      notice.hidden = false;
    }
    announce(announcement);
  };
  socket.on('practice:hidden', practiceGone);
  socket.on('practice:deleted', practiceGone);
}

/** Connects, subscribes on every (re)connection, and follows the page's view. */
function start(status: HTMLElement): void {
  const lt = status.dataset.lt ?? '';
  const socket: LiveSocket = io({
    // Called before every connection attempt, so a reconnection presents a fresh token.
    auth: (send) => {
      realtimeToken(lt)
        .catch(() => undefined)
        .then((token) => send({ token, lang: document.documentElement.lang }));
    },
  });
  socket.on('connect', () => {
    socket.emit('board:subscribe', {}, (ack) => {
      // The state is for tests and styling: "live" once the board's changes are followed.
      status.dataset.state = 'error' in ack ? 'refused' : 'live';
      if ('error' in ack) console.warn('live board:', ack.error.message);
    });
  });
  socket.on('disconnect', () => {
    status.dataset.state = 'offline';
  });
  socket.on('connect_error', (error: Error & { data?: ConnectErrorData }) => {
    // A refusal by the server's middleware is not retried by socket.io itself.
    if (!socket.active && error.data?.code !== FINAL_REFUSAL)
      setTimeout(() => socket.connect(), RETRY_AFTER_REFUSAL_MS);
  });
  const announce = (sentence: string) => {
    status.textContent = sentence;
  };
  if (status.dataset.view === 'practice') followPractice(socket, lt, Number(status.dataset.practiceId), announce);
  else followListing(socket, lt, announce);
}

const status = document.getElementById('board-live');
if (status) start(status);
