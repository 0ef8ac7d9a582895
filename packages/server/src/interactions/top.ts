// Top chat (docs/API.md "Interactions"): a ranked subset of the comments, as YouTube's "Top chat".
// The rule reads only the entry and what every node knows alike (the event's owner, the authors
// it has seen post), so one encoding serves every Top chat viewer. It keeps the owner's and
// moderators' comments, replies and mentions (the client narrows those to the ones to its user),
// and authors in good standing; it holds back first-time authors with links and low-scored text.
import type { Comment, Entry } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import { AuthorMemory, type TopRanker } from '../hub/channel.js';
import { withLikes } from './with-likes.js';

/** Badges (when comments carry them) whose comments always rank. */
const PRIVILEGED = new Set(['owner', 'moderator', 'staff']);
/** How far back `GET .../comments/top` looks, in log entries. */
const TOP_SCAN = 500;

/** The Top chat ranking of the hub's channels. */
export const topRanker: TopRanker = {
  top(entry, event, authors) {
    return entry.type !== 'comment' || isTopComment(entry.comment, event.ownerId, authors.seen(entry.comment.user.id));
  },
};

/** Whether a comment belongs in Top chat; `earlier` is how many comments its author posted before. */
export function isTopComment(comment: Comment, ownerId: string, earlier: number): boolean {
  if (comment.user.id === ownerId) return true;
  const badges = (comment.user as { badges?: unknown }).badges;
  if (Array.isArray(badges) && badges.some((b) => PRIVILEGED.has(b))) return true;
  if ((comment.likes ?? 0) > 0) return true;
  if (comment.text === '' || lowScored(comment.text)) return false;
  if (earlier === 0 && hasLink(comment.text)) return false;
  return true;
}

/**
 * Text that says little: fewer than four letters or digits ("lol", "!!!"), a run of eight or more of one
 * character, or long shouting. One pass over the text, no regular expression on it.
 */
export function lowScored(text: string): boolean {
  let word = 0;
  let upper = 0;
  let lower = 0;
  let run = 0;
  let previous = '';
  for (const ch of text) {
    run = ch === previous ? run + 1 : 1;
    previous = ch;
    if (run >= 8) return true;
    if (LETTER_OR_DIGIT.test(ch)) word++;
    if (ch !== ch.toLowerCase()) upper++;
    else if (ch !== ch.toUpperCase()) lower++;
  }
  if (word < 4) return true;
  return upper + lower >= 12 && upper > 3 * lower;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** A link or what reads as one (a scheme, `www.`, or a dotted host), found without backtracking. */
export function hasLink(text: string): boolean {
  const lower = text.toLowerCase();
  if (lower.includes('http://') || lower.includes('https://') || lower.includes('www.')) return true;
  for (const word of lower.split(/\s+/)) {
    const dot = word.indexOf('.');
    if (dot > 0 && dot < word.length - 2 && /^[a-z]{2,}/.test(word.slice(dot + 1))) return true;
  }
  return false;
}

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
