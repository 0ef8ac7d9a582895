// The Top chat rule (docs/API.md "Interactions"), a ranked subset of the comments as YouTube's
// "Top chat". It reads only the entry and what every node knows alike (the event's owner, the
// authors it has seen post), so one encoding serves every Top chat viewer. It keeps the owner's
// and moderators' comments and liked ones, and authors in good standing; it holds back
// first-time authors with links and low-scored text. On its own so that the hub's channels,
// history reads and the Top chat list share it without importing the modules around them.
import type { Comment, Entry } from '@livecomments/protocol';
import { AuthorMemory, type TopRanker } from '../hub/channel.js';

/** Badges (when comments carry them) whose comments always rank. */
const PRIVILEGED = new Set(['owner', 'moderator', 'staff']);
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

/**
 * The entries of a page of history that the Top chat view shows (non-comment entries always),
 * ranked with a memory of the authors built from the page itself, oldest first.
 */
export function topOnly(entries: readonly Entry[], ownerId: string): Entry[] {
  const ascending = [...entries].sort((a, b) => a.seq - b.seq);
  const authors = new AuthorMemory();
  const kept = new Set<number>();
  for (const entry of ascending) {
    if (topRanker.top(entry, { ownerId }, authors)) kept.add(entry.seq);
    if (entry.type === 'comment') authors.add(entry.comment.user.id);
  }
  return entries.filter((e) => kept.has(e.seq));
}
