import type { Practice, PracticeAdoption, PracticeComment } from '../../store/models';
import type { Board } from './board.service';

/**
 * What happened on a board, told only after the write committed. Events carry rows or ids; what
 * leaves the server is decided later by the live presenter (board-live.presenter.ts).
 */
export type BoardEvent =
  | { type: 'practice:created' | 'practice:restored'; practice: Practice }
  | { type: 'practice:hidden' | 'practice:deleted'; practiceId: number }
  | { type: 'comment:created' | 'comment:restored'; practiceId: number; comment: PracticeComment }
  | { type: 'comment:hidden' | 'comment:deleted'; practiceId: number; commentId: number }
  | { type: 'adoption:created'; practiceId: number; adoption: PracticeAdoption };

/** The port the board's services publish to; the realtime layer is one listener. */
export interface BoardEvents {
  publish(board: Board, event: BoardEvent): void;
}

export type BoardEventListener = (board: Board, event: BoardEvent) => void;

/**
 * The in-process hub boot creates: the HTTP app's services publish to it and the realtime layer,
 * attached later, listens. A listener that throws is reported to `onError` and never reaches the
 * request, whose write has already succeeded.
 */
export class BoardEventHub implements BoardEvents {
  private readonly listeners = new Set<BoardEventListener>();

  constructor(private readonly onError: (error: unknown, event: BoardEvent) => void = () => undefined) {}

  publish(board: Board, event: BoardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(board, event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }

  /** Adds a listener; returns the function that removes it. */
  listen(listener: BoardEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
