// Search within an event's chat (docs/API.md "Search"): who may see what, and the query limits.
import type { Comment } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { type BanLookup, requireModerator } from '../auth/powers.js';
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

/** The statuses a moderator may add. */
const EXTRA: readonly SearchStatus[] = ['held', 'rejected'];

/**
 * Searches one event's comments. Anyone who may read the event finds its published comments;
 * its moderators (owner, appointed, global, admins) may include held and rejected ones. Deleted
 * comments, and comments whose text was removed (retention, erasure), are never found.
 */
export class ChatSearch {
  constructor(
    private readonly store: Pick<ChatArchive, 'search'>,
    private readonly roles: Pick<EventRoles, 'powers'>,
    private readonly bans: BanLookup,
  ) {}

  async search(reader: Principal | null, event: EventRecord, r: SearchRequest): Promise<SearchResult> {
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
    const page = await this.store.search({
      eventId: event.id,
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
}
