// Shadow mode (docs/API.md "Moderation"): a blocked comment is shown to its author alone. It never
// enters the log; the moderation log keeps it (the `block` action's `details.shadowed`), and the
// author's own history reads put it back where it would have been.
import type { Comment, CommentEntry, Entry } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';

/** Recent moderation actions searched for a reader's shadowed comments (a bounded read). */
const SCAN = 1000;

/** The reader's own shadowed comments on the event, as log entries, ascending. */
export async function ownShadowed(store: Store, eventId: string, userId: string): Promise<CommentEntry[]> {
  const actions = await store.listModActions(eventId, SCAN);
  const mine: CommentEntry[] = [];
  for (const action of actions) {
    const shadowed = action.action === 'block' ? action.details?.shadowed : undefined;
    if (isComment(shadowed) && shadowed.user.id === userId) {
      mine.push({ seq: shadowed.seq, type: 'comment', comment: shadowed });
    }
  }
  return mine.sort((a, b) => a.seq - b.seq);
}

/**
 * A page of the log with the reader's shadowed comments put in, in the page's order (ascending
 * for `after`, newest first for `before`). Only those inside the page's seq range go in; a shadowed
 * comment comes before a real entry of the same seq.
 */
export function withShadowed(
  items: Entry[],
  shadowed: CommentEntry[],
  range: { after: number } | { before: number },
  full: boolean,
): Entry[] {
  const last = items.at(-1)?.seq;
  const inPage =
    'after' in range
      ? (seq: number) => seq > range.after && (!full || last === undefined || seq <= last)
      : (seq: number) => seq < range.before && (!full || last === undefined || seq >= last);
  const extra = new Set<Entry>(shadowed.filter((e) => inPage(e.seq)));
  if (extra.size === 0) return items;
  const ascending = 'after' in range;
  return [...items, ...extra].sort(function pageOrder(a, b) {
    if (a.seq !== b.seq) return ascending ? a.seq - b.seq : b.seq - a.seq;
    return (extra.has(a) ? 0 : 1) - (extra.has(b) ? 0 : 1);
  });
}

/** Whether a logged value is a comment (the moderation log's details are free-form JSON). */
function isComment(value: unknown): value is Comment {
  if (value === null || typeof value !== 'object') return false;
  const c = value as Partial<Comment>;
  return typeof c.id === 'string' && typeof c.seq === 'number' && typeof c.user?.id === 'string';
}
