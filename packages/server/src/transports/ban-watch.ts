// Ends what a banned user follows of an event: their single-event sockets close (4003) and their
// subscriptions on multi-event connections end, each after the frame that carries the ban entry.
import type { Entry } from '@livecomments/protocol';
import type { LogFollower } from '../log/followers.js';

/** Something a ban ends: a socket, or one subscription of a multi-event connection. */
export interface Bannable {
  ban(): void;
}

/** The open connections and subscriptions of signed-in users, by event and user (a log follower). */
export class BanWatch implements LogFollower {
  readonly name = 'ban-watch';
  private readonly open = new Map<string, Set<Bannable>>();

  /** Watches `what` of `userId` on `eventId` until `remove`. */
  add(eventId: string, userId: string, what: Bannable): void {
    const key = keyOf(eventId, userId);
    const same = this.open.get(key);
    if (same) same.add(what);
    else this.open.set(key, new Set([what]));
  }

  remove(eventId: string, userId: string, what: Bannable): void {
    const key = keyOf(eventId, userId);
    const same = this.open.get(key);
    if (same?.delete(what) && same.size === 0) this.open.delete(key);
  }

  entries(eventId: string, entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.type !== 'ban' || (entry.until !== null && entry.until <= Date.now())) continue;
      for (const what of this.open.get(keyOf(eventId, entry.userId)) ?? []) what.ban();
    }
  }
}

function keyOf(eventId: string, userId: string): string {
  return `${eventId}\n${userId}`;
}
