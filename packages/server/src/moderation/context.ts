/**
 * The author's recent history, kept in memory on each node (bounded): when they first posted in
 * an event, how many of their recent comments were held or blocked, how fast they post. A new
 * author meets stricter spam thresholds; an author with several recent flags, or a burst of
 * posts, is held for review.
 */
import type { Verdict } from './moderator.js';
import type { StageResult } from './policy.js';

/** Limits of the context stage. */
export const CONTEXT_LIMITS = {
  /** An author is new in an event for this long after their first comment there. */
  newAuthorMs: 10 * 60_000,
  /** Flags (holds or blocks) counted over this window... */
  flagWindowMs: 10 * 60_000,
  /** ...hold the next comment from this many on. */
  flagsToHold: 3,
  /** More than this many comments within `burstWindowMs` is a burst. */
  burstCount: 8,
  burstWindowMs: 20_000,
  /** Authors remembered at most (oldest forgotten first). */
  maxAuthors: 100_000,
} as const;

interface History {
  firstAt: number;
  posts: number[];
  flags: number[];
}

/** What the context stage knows of an author when a comment arrives. */
export interface AuthorContext {
  newAuthor: boolean;
  recentFlags: number;
  recentPosts: number;
}

/** Per event and author histories, in insertion (least recently active first) order. */
export class AuthorHistory {
  private readonly byKey = new Map<string, History>();

  /** The author's context at `now`, before this comment. */
  lookup(eventId: string, userId: string, now: number): AuthorContext {
    const h = this.byKey.get(`${eventId}\u0000${userId}`);
    if (!h) return { newAuthor: true, recentFlags: 0, recentPosts: 0 };
    return {
      newAuthor: now - h.firstAt < CONTEXT_LIMITS.newAuthorMs,
      recentFlags: h.flags.filter((t) => now - t < CONTEXT_LIMITS.flagWindowMs).length,
      recentPosts: h.posts.filter((t) => now - t < CONTEXT_LIMITS.burstWindowMs).length,
    };
  }

  /** Records the outcome of one comment. */
  record(eventId: string, userId: string, now: number, verdict: Verdict): void {
    const key = `${eventId}\u0000${userId}`;
    const h = this.byKey.get(key) ?? { firstAt: now, posts: [], flags: [] };
    this.byKey.delete(key);
    this.byKey.set(key, h);
    h.posts = h.posts.filter((t) => now - t < CONTEXT_LIMITS.burstWindowMs);
    h.posts.push(now);
    h.flags = h.flags.filter((t) => now - t < CONTEXT_LIMITS.flagWindowMs);
    if (verdict !== 'approve') h.flags.push(now);
    if (this.byKey.size > CONTEXT_LIMITS.maxAuthors) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }
}

/** The context stage: holds after repeated flags or during a burst. */
export function checkContext(ctx: AuthorContext): StageResult {
  const reasons: string[] = [];
  if (ctx.recentFlags >= CONTEXT_LIMITS.flagsToHold) reasons.push('recent_flags');
  if (ctx.recentPosts >= CONTEXT_LIMITS.burstCount) reasons.push('burst');
  const scores = { newAuthor: ctx.newAuthor ? 1 : 0 };
  return reasons.length > 0 ? { verdict: 'hold', reasons, scores } : { reasons, scores };
}
