// History reads carry each comment's like count (live entries do not: likes come in `likes` frames).
import type { Entry } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';

/**
 * Comment entries with their `likes` (history reads) when they have any: absent means none, so a
 * comment without likes reads the same from history as it came live.
 */
export async function withLikes(
  store: Pick<Store, 'likeCounts'>,
  eventId: string,
  entries: readonly Entry[],
): Promise<Entry[]> {
  const ids = entries.flatMap((e) => (e.type === 'comment' ? [e.comment.id] : []));
  if (ids.length === 0) return [...entries];
  const counts = await store.likeCounts(eventId, ids);
  return entries.map((e) =>
    e.type === 'comment' && counts[e.comment.id] ? { ...e, comment: { ...e.comment, likes: counts[e.comment.id] } } : e,
  );
}
