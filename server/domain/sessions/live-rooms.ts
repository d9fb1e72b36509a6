/**
 * The live rooms of this instance: which local sockets are in which session, and the timer-end
 * notification of each session. Nothing here is content: notes, votes and the timer's state are
 * stored before they are acknowledged (decision 0007), so losing this registry (a restart) loses
 * nothing; a room is rebuilt when its first member joins again.
 */
type Room = { members: Set<string>; timerEnd?: NodeJS.Timeout };

export class LiveRooms {
  private readonly rooms = new Map<number, Room>();

  private getOrCreate(sessionId: number): Room {
    let room = this.rooms.get(sessionId);
    if (!room) {
      room = { members: new Set() };
      this.rooms.set(sessionId, room);
    }
    return room;
  }

  /** A local socket joined the session; true when it is the room's first member here. */
  enter(sessionId: number, socketId: string): boolean {
    const room = this.getOrCreate(sessionId);
    room.members.add(socketId);
    return room.members.size === 1;
  }

  /** A local socket left; the room is disposed (its timer cleared) when it was the last one. */
  leave(sessionId: number, socketId: string): void {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    room.members.delete(socketId);
    if (room.members.size === 0) this.dispose(sessionId);
  }

  /** Calls `onEnd` when the session's timer ends (`endsAt`), replacing an earlier schedule; null clears it. */
  scheduleTimerEnd(sessionId: number, endsAt: Date | null, onEnd: () => void): void {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    clearTimeout(room.timerEnd);
    room.timerEnd = undefined;
    if (!endsAt) return;
    // setTimeout's limit is about 24.8 days; session timers are at most hours.
    room.timerEnd = setTimeout(
      () => {
        room.timerEnd = undefined;
        onEnd();
      },
      Math.max(0, endsAt.getTime() - Date.now()),
    );
    room.timerEnd.unref();
  }

  private dispose(sessionId: number): void {
    clearTimeout(this.rooms.get(sessionId)?.timerEnd);
    this.rooms.delete(sessionId);
  }

  /** Clears every timer (shutdown). */
  close(): void {
    for (const id of [...this.rooms.keys()]) this.dispose(id);
  }
}
