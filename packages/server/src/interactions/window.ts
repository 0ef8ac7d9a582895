// The window of ephemeral aggregates (docs/ARCHITECTURE.md "Ephemeral aggregates"): what this
// node counted in the window goes on the bus once per event; what the bus brings (every node's
// windows, this one's included) is merged and pushed to this node's viewers once per window.
// So a viewer gets at most one small frame per window and kind, whatever the rate behind it.
import type { WindowCounts } from '../engines/bus.js';
import type { AggregateKind } from '../hub/frames.js';

/** Where window counts go: the bus (out) and the hub (in). */
export interface WindowSinks {
  publish(eventId: string, counts: WindowCounts): Promise<void>;
  push(eventId: string, kind: AggregateKind, counts: Readonly<Record<string, number>>): void;
  error(error: unknown, what: string): void;
}

/** Counts by key (emoji or comment id). */
type Counts = Map<string, number>;

/** Most distinct keys one event's window keeps per kind; more are dropped (bounded memory). */
const MAX_KEYS = 1000;

/**
 * One node's window: counts made here waiting to be published, and counts from the bus waiting
 * to be pushed. Reactions add up; like counts are absolute, so the latest wins.
 */
export class AggregateWindow {
  private outReactions = new Map<string, Counts>();
  private outLikes = new Map<string, Counts>();
  private inReactions = new Map<string, Counts>();
  private inLikes = new Map<string, Counts>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sinks: WindowSinks,
    readonly windowMs: number,
    /** Called after each window is published, with this node's reactions of it (for the totals). */
    private readonly published: (eventId: string, reactions: Record<string, number>) => void,
  ) {
    this.timer = setInterval(() => this.tick(), windowMs);
    this.timer.unref();
  }

  /** A reaction accepted on this node. */
  react(eventId: string, emoji: string): void {
    add(this.outReactions, eventId, emoji, 1, true);
  }

  /** A like count that changed on this node (absolute). */
  liked(eventId: string, commentId: string, likes: number): void {
    add(this.outLikes, eventId, commentId, likes, false);
  }

  /** A node's window from the bus. */
  received(eventId: string, counts: WindowCounts): void {
    for (const [key, n] of numbers(counts.reactions)) add(this.inReactions, eventId, key, n, true);
    for (const [key, n] of numbers(counts.likes)) add(this.inLikes, eventId, key, n, false);
  }

  /** This node's reactions of an event not yet published (for totals read between windows). */
  unpublished(eventId: string): Record<string, number> {
    return Object.fromEntries(this.outReactions.get(eventId) ?? []);
  }

  /** Ends the window now: pushes what came in, publishes what was counted here. */
  tick(): void {
    const inReactions = this.inReactions;
    const inLikes = this.inLikes;
    this.inReactions = new Map();
    this.inLikes = new Map();
    for (const [eventId, counts] of inReactions) this.sinks.push(eventId, 'reactions', Object.fromEntries(counts));
    for (const [eventId, counts] of inLikes) this.sinks.push(eventId, 'likes', Object.fromEntries(counts));
    const outReactions = this.outReactions;
    const outLikes = this.outLikes;
    this.outReactions = new Map();
    this.outLikes = new Map();
    for (const eventId of new Set([...outReactions.keys(), ...outLikes.keys()])) {
      const counts: WindowCounts = {};
      const reactions = outReactions.get(eventId);
      const likes = outLikes.get(eventId);
      if (reactions) counts.reactions = Object.fromEntries(reactions);
      if (likes) counts.likes = Object.fromEntries(likes);
      this.sinks.publish(eventId, counts).catch((error) => this.sinks.error(error, 'window publish'));
      if (counts.reactions) this.published(eventId, counts.reactions);
    }
  }

  /** Stops the timer after a last window. */
  close(): void {
    clearInterval(this.timer);
    this.tick();
  }
}

function add(map: Map<string, Counts>, eventId: string, key: string, n: number, sum: boolean): void {
  let counts = map.get(eventId);
  if (!counts) {
    counts = new Map();
    map.set(eventId, counts);
  }
  const before = counts.get(key);
  if (before === undefined && counts.size >= MAX_KEYS) return;
  counts.set(key, sum ? (before ?? 0) + n : n);
}

/** The numeric fields of a counts object from the bus (another node's message: checked). */
function numbers(counts: Record<string, number> | undefined): [string, number][] {
  if (!counts || typeof counts !== 'object') return [];
  return Object.entries(counts).filter(
    (pair): pair is [string, number] => Number.isSafeInteger(pair[1]) && pair[1] >= 0,
  );
}
