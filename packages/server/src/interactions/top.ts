// The Top chat list (docs/API.md "Interactions"): the ranked comments of the latest entries,
// most liked first. The rule itself is top-rule.ts.
import type { Comment, Entry } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import { AuthorMemory } from '../hub/channel.js';
import { isTopComment } from './top-rule.js';
import { withLikes } from './with-likes.js';

export { hasLink, isTopComment, lowScored, topOnly, topRanker } from './top-rule.js';

/** How far back `GET .../comments/top` looks, in log entries. */
const TOP_SCAN = 500;

/** What the Top chat list reads. */
export interface TopServices {
  store: Pick<Store, 'readBefore' | 'likeCounts'>;
  events: Pick<Events, 'get'>;
}

/**
 * `GET .../comments/top`: the Top chat comments of the latest entries, most liked first (then
 * newest), each with its `likes`.
 */
export async function topComments(s: TopServices, eventId: string, limit: number): Promise<Comment[]> {
  const event = await s.events.get(eventId);
  const recent = await s.store.readBefore(eventId, Number.MAX_SAFE_INTEGER, TOP_SCAN);
  const entries = await withLikes(s.store, eventId, recent.reverse());
  const deleted = new Set<string>();
  const banned = new Set<string>();
  for (const e of entries) {
    if (e.type === 'delete') deleted.add(e.commentId);
    if (e.type === 'ban') banned.add(e.userId);
  }
  const authors = new AuthorMemory();
  const ranked: Comment[] = [];
  for (const e of entries as Entry[]) {
    if (e.type !== 'comment') continue;
    const c = e.comment;
    const keep =
      !deleted.has(c.id) && !banned.has(c.user.id) && isTopComment(c, event.ownerId, authors.seen(c.user.id));
    authors.add(c.user.id);
    if (keep) ranked.push(c);
  }
  ranked.sort((a, b) => (b.likes ?? 0) - (a.likes ?? 0) || b.seq - a.seq);
  return ranked.slice(0, limit);
}
