import type { Entry } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';
import type { LogFollower } from '../log/followers.js';

/** How long an event's bans are trusted before they are read again (other nodes may ban). */
const FRESH_MS = 1_000;

/** A user's ban on an event: when it ends (null: never), or false when not banned now. */
export type BanEnd = number | null | false;

/** One event's active bans: user id -> end (null: permanent). */
interface EventBans {
  bans: Map<string, number | null>;
  at: number;
  /** The seq of the last `ban` entry applied per user: an older one arriving late is ignored. */
  applied: Map<string, number>;
  /** Set while the store is read; `ban` entries seen meanwhile are kept here and applied after. */
  loading: Promise<EventBans> | null;
  seen: [string, number | null][] | null;
}

/**
 * Bans in memory, so a post costs no store read: each event's bans are read once, then kept
 * current by every `ban` entry of the log (a log follower: this node's own at their commit,
 * before the moderator's answer, so a ban made here applies to the very next post; other nodes'
 * from the bus), and read again when older than a second, for bans made on nodes this one hears
 * nothing from.
 */
export class BanCache implements LogFollower {
  readonly name = 'bans';
  private readonly events = new Map<string, EventBans>();

  constructor(
    private readonly store: Store,
    private readonly freshMs = FRESH_MS,
  ) {}

  /**
   * The user's ban on the event from memory, or undefined when the event's bans must be read
   * first (then `until`): the usual post takes no promise.
   */
  cached(eventId: string, userId: string, now = Date.now()): BanEnd | undefined {
    const state = this.events.get(eventId);
    return state && now - state.at < this.freshMs ? activeEnd(state, userId, now) : undefined;
  }

  /** The user's ban on the event, reading the event's bans when they are older than a second. */
  async until(eventId: string, userId: string, now = Date.now()): Promise<BanEnd> {
    const state = this.events.get(eventId);
    if (state && now - state.at < this.freshMs) return activeEnd(state, userId, now);
    return activeEnd(await this.load(eventId, state), userId, now);
  }

  /** Follows the log (see `note`). */
  entries(eventId: string, entries: readonly Entry[]): void {
    for (const entry of entries) this.note(eventId, entry);
  }

  /** Follows a log entry: a `ban` entry bans (or, ending now or earlier, lifts a ban). */
  note(eventId: string, entry: Entry): void {
    if (entry.type !== 'ban') return;
    const state = this.events.get(eventId);
    if (!state || (state.applied.get(entry.userId) ?? 0) >= entry.seq) return;
    state.applied.set(entry.userId, entry.seq);
    state.bans.set(entry.userId, entry.until);
    state.seen?.push([entry.userId, entry.until]);
  }

  private load(eventId: string, stale: EventBans | undefined): Promise<EventBans> {
    if (stale?.loading) return stale.loading;
    const state: EventBans = stale ?? { bans: new Map(), at: 0, applied: new Map(), loading: null, seen: null };
    if (!stale) this.events.set(eventId, state);
    state.seen = [];
    state.loading = this.store.listBans(eventId).then(
      (list) => {
        const bans = new Map<string, number | null>();
        for (const ban of list) bans.set(ban.userId, ban.until);
        // Entries seen while the store was read are at least as new as what it returned.
        for (const [userId, until] of state.seen ?? []) bans.set(userId, until);
        state.bans = bans;
        state.at = Date.now();
        state.loading = null;
        state.seen = null;
        if (this.events.size > 10_000) this.sweep();
        return state;
      },
      (error: unknown) => {
        state.loading = null;
        state.seen = null;
        throw error;
      },
    );
    return state.loading;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, state] of this.events) if (!state.loading && now - state.at >= this.freshMs) this.events.delete(id);
  }
}

function activeEnd(state: EventBans, userId: string, now: number): BanEnd {
  const until = state.bans.get(userId);
  return until === undefined || (until !== null && until <= now) ? false : until;
}
