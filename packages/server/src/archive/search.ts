// Search within an event's chat (docs/API.md "Search"): who may see what, and the query limits.
import type { Comment } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { type BanLookup, requireModerator } from '../auth/powers.js';
import type { RateLimiter, RateRule } from '../engines/rate-limiter.js';
import { type ChatArchive, parseQuery, QueryError, type SearchStatus } from '../engines/search.js';
import type { EventRecord } from '../engines/store.js';
import type { EventRoles } from '../events/roles.js';
import { errors } from '../util/errors.js';

/** The most results on one page. */
export const MAX_SEARCH_LIMIT = 100;

/** A search as the route reads it. */
export interface SearchRequest {
  q?: string;
  author?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
  /** Statuses beyond `published` (moderators only): `held`, `rejected`. */
  include?: readonly string[];
}

/** A page of results: comments newest first; `status` only for moderators who asked for more. */
export interface SearchResult {
  items: (Comment & { status?: SearchStatus })[];
  next?: string;
}

/** Who asks: the reader (null: nobody signed in) and the client's address (docs/API.md "Search"). */
export interface Searcher {
  reader: Principal | null;
  ip: string;
}

/** The limits of search: rows examined per page, and searches per minute per user or address. */
export interface SearchLimits {
  scanRows: number;
  /** 0: no limit. */
  perMinute: number;
}

/** The statuses a moderator may add. */
const EXTRA: readonly SearchStatus[] = ['held', 'rejected'];

/**
 * Searches one event's comments. Anyone who may read the event finds its published comments;
 * its moderators (owner, appointed, global, admins) may include held and rejected ones. Deleted
 * comments, and comments whose text was removed (retention, erasure), are never found.
 */
export class ChatSearch {
  private readonly rule: RateRule | null;

  constructor(
    private readonly store: Pick<ChatArchive, 'search'>,
    private readonly roles: Pick<EventRoles, 'powers'>,
    private readonly bans: BanLookup,
    private readonly limiter: Pick<RateLimiter, 'take'>,
    private readonly limits: SearchLimits,
  ) {
    // A burst of a quarter minute's searches, then the steady rate.
    this.rule =
      limits.perMinute > 0
        ? { intervalMs: 60_000 / limits.perMinute, burst: Math.max(1, Math.ceil(limits.perMinute / 4)) }
        : null;
  }

  /**
   * One page of a search. Each searcher (a user, or an address without a token; the operator's
   * `service` callers aside) has `perMinute` searches across events, else `rate_limited`; each page
   * examines at most `scanRows` of the event's comments, so a search of words that never meet
   * answers soon with fewer items (or none) and a `next` cursor to go on with.
   */
  async search(who: Searcher, event: EventRecord, r: SearchRequest): Promise<SearchResult> {
    const { reader } = who;
    let query: ReturnType<typeof parseQuery>;
    try {
      query = parseQuery(r.q ?? '');
    } catch (error) {
      if (error instanceof QueryError) throw errors.invalid(error.message);
      throw error;
    }
    const statuses: SearchStatus[] = ['published'];
    const include = r.include ?? [];
    for (const s of include) {
      const status = EXTRA.find((x) => x === s);
      if (!status) throw errors.invalid(`include takes ${EXTRA.join(', ')}`);
      if (!statuses.includes(status)) statuses.push(status);
    }
    if (statuses.length > 1) {
      if (!reader) throw errors.unauthenticated();
      await requireModerator(
        reader,
        event.id,
        await this.roles.powers(event),
        this.bans,
        'only the event owner or a moderator may search held or rejected comments',
      );
    }
    if (r.from !== undefined && r.to !== undefined && r.from >= r.to) throw errors.invalid('from must be before to');
    let cursor: number | undefined;
    if (r.cursor !== undefined) {
      if (!/^[1-9][0-9]{0,15}$/.test(r.cursor)) throw errors.invalid('cursor is not one this server gave');
      cursor = Number(r.cursor);
    }
    await this.take(who);
    const page = await this.store.search({
      eventId: event.id,
      scan: this.limits.scanRows,
      query,
      ...(r.author !== undefined && { authorId: r.author }),
      ...(r.from !== undefined && { from: r.from }),
      ...(r.to !== undefined && { to: r.to }),
      statuses,
      limit: r.limit,
      ...(cursor !== undefined && { cursor }),
    });
    const showStatus = statuses.length > 1;
    const result: SearchResult = {
      items: page.items.map((h) => (showStatus ? { ...h.comment, status: h.status } : h.comment)),
    };
    if (page.next !== undefined) result.next = String(page.next);
    return result;
  }

  /** Spends one of the searcher's searches, or throws `rate_limited`. */
  private async take(who: Searcher): Promise<void> {
    if (!this.rule || who.reader?.role === 'service') return;
    const key = who.reader ? `search:{user:${who.reader.id}}` : `search:{ip:${who.ip}}`;
    const decision = await this.limiter.take(key, this.rule);
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many searches; wait before searching again');
  }
}
