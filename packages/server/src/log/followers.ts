import type { Entry } from '@livecomments/protocol';

/**
 * Something that follows the log of every event this node hears of: the hub, the ban cache, the
 * event cache, the WebSocket ban closer. Registered once with `LogFollowers`.
 */
export interface LogFollower {
  /** For logs when it throws. */
  readonly name: string;
  /**
   * New entries of one event, ascending, each seq once over all calls: the entries committed on
   * this node (at their commit, before the appender hears of it) and those other nodes committed
   * (from the bus, or found in the store by the hub's gap fill). Across calls the seqs ascend too,
   * except that another node's entry may come after a newer one of this node when the bus brings
   * it late: a follower that needs every seq in order keeps its own order (the hub's channels do,
   * and fill gaps from the store). Synchronous, and it must not throw (a throw is logged).
   */
  entries(eventId: string, entries: readonly Entry[]): void;
}

/** How far below the newest seq of an event a repeat is still recognised; older ones count as seen. */
const WINDOW = 1024;
/** Events whose seen seqs are kept (the least recently used is forgotten first). */
const MAX_EVENTS = 10_000;

/** The seqs of one event handed out lately. */
interface Seen {
  max: number;
  seqs: Set<number>;
}

/**
 * The one list of log followers of a node. Every source of entries (the log writer at commit, the
 * bus, the hub's gap fill) hands them to `deliver`, which passes each seq once to every follower,
 * so an entry committed here and its echo from the bus make one delivery.
 */
export class LogFollowers {
  private readonly followers: LogFollower[] = [];
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly failed: (follower: string, error: unknown) => void) {}

  /** Adds a follower; it gets the entries delivered from now on. */
  register(follower: LogFollower): void {
    this.followers.push(follower);
  }

  /** Entries of one event from any source: the new ones go to every follower, ascending. */
  deliver(eventId: string, entries: readonly Entry[]): void {
    const fresh = this.unseen(eventId, entries);
    if (fresh.length === 0) return;
    for (const follower of this.followers) {
      try {
        follower.entries(eventId, fresh);
      } catch (error) {
        this.failed(follower.name, error);
      }
    }
  }

  /** The entries not handed out before, ascending; marks them as handed out. */
  private unseen(eventId: string, entries: readonly Entry[]): Entry[] {
    let seen = this.seen.get(eventId);
    if (seen) this.seen.delete(eventId);
    else seen = { max: 0, seqs: new Set() };
    // Re-inserted on every use: the map's first key is the least recently used event.
    this.seen.set(eventId, seen);
    if (this.seen.size > MAX_EVENTS) this.seen.delete(this.seen.keys().next().value!);
    const fresh: Entry[] = [];
    for (const entry of entries) {
      if (entry.seq <= seen.max - WINDOW || seen.seqs.has(entry.seq)) continue;
      seen.seqs.add(entry.seq);
      if (entry.seq > seen.max) seen.max = entry.seq;
      fresh.push(entry);
    }
    if (seen.seqs.size >= 2 * WINDOW) {
      for (const seq of seen.seqs) if (seq <= seen.max - WINDOW) seen.seqs.delete(seq);
    }
    if (!isAscending(fresh)) fresh.sort((a, b) => a.seq - b.seq);
    return fresh;
  }
}

function isAscending(entries: readonly Entry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i]!.seq < entries[i - 1]!.seq) return false;
  return true;
}
