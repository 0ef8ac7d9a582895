// Replay (docs/API.md "Media time and replay"): an event's comments in media-time order, page by
// page, without what moderators removed, for a player that plays the chat beside its media.
import type { Comment, ReplayPage } from '@livecomments/protocol';
import type { ReplayFrom, Store } from '../engines/store.js';
import { errors } from '../util/errors.js';
import type { Events } from './events.js';

/** Comments per page unless asked otherwise, and at most. */
export const REPLAY_LIMIT = { fallback: 100, max: 500 } as const;

// A cursor is "<ms>.<seq>" in base64url: opaque to clients, parsed without backtracking.
const CURSOR = /^([0-9]{1,16})\.([0-9]{1,16})$/;

/** The cursor after `comment` (its media time, then its seq among comments sharing that time). */
export function cursorAfter(comment: Pick<Comment, 'seq' | 'mediaTimeMs'>): string {
  return Buffer.from(`${comment.mediaTimeMs ?? 0}.${comment.seq}`).toString('base64url');
}

/** A cursor read back; `invalid_request` when it is not one this server made. */
export function parseCursor(cursor: string): ReplayFrom {
  const match = cursor.length <= 64 ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('latin1')) : null;
  const ms = Number(match?.[1]);
  const afterSeq = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(ms) || !Number.isSafeInteger(afterSeq)) {
    throw errors.invalid('cursor is not a replay cursor: pass `next` of the previous page as it is', {
      field: 'cursor',
    });
  }
  return { ms, afterSeq };
}

/** Reads replay pages of live and ended events. */
export class Replay {
  constructor(
    private readonly store: Pick<Store, 'readReplay' | 'likeCounts'>,
    private readonly events: Pick<Events, 'get'>,
  ) {}

  /**
   * The page from `cursor` when given (exactly after the comment it names), else from `fromMs`
   * (every comment at that media time or later). `not_found` for an unknown event.
   */
  async page(eventId: string, start: { fromMs?: number; cursor?: string }, limit: number): Promise<ReplayPage> {
    const from: ReplayFrom =
      start.cursor !== undefined ? parseCursor(start.cursor) : { ms: start.fromMs ?? 0, afterSeq: 0 };
    await this.events.get(eventId);
    if (limit === 0) return { items: [], nextFromMs: from.ms };
    const read = await this.store.readReplay(eventId, from, limit);
    const items = await this.withLikes(eventId, read);
    const last = items.at(-1);
    if (!last) return { items, nextFromMs: null, ...(start.cursor === undefined ? {} : { next: start.cursor }) };
    return { items, nextFromMs: items.length === limit ? (last.mediaTimeMs ?? 0) : null, next: cursorAfter(last) };
  }

  /** Like counts, as history reads carry them (absent: none). */
  private async withLikes(eventId: string, comments: Comment[]): Promise<Comment[]> {
    if (comments.length === 0) return comments;
    const counts = await this.store.likeCounts(
      eventId,
      comments.map((c) => c.id),
    );
    return comments.map((c) => (counts[c.id] ? { ...c, likes: counts[c.id] } : c));
  }
}
