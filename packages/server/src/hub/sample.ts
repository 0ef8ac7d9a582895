// The sampled tiers (`rate=R`, docs/API.md "Sampled tier"): which comments each tier shows, decided
// once per entry for every tier as the channel accepts it, so each tier is one shared encoding.
// The choice reads only the entry (its time and author) and the channel's memory of the slots it
// filled: every viewer of a tier gets the same sample, and any node following the log makes the
// same choice, apart from the first slot after it starts.
import type { Comment, Entry } from '@livecomments/protocol';
import { SAMPLE_TIERS, tierFlag } from './frames.js';

/** Badges whose comments every tier shows. */
const PRIORITY_BADGES = new Set(['owner', 'moderator', 'staff']);
/** Most names a comment's mentions are matched by (a comment can name a few people, not a crowd). */
const MAX_MENTIONS = 5;
/** Longest name a mention is read as (names are at most 64 characters). */
const MAX_NAME = 64;

/** Tier bits of every tier: what a non-comment entry or a priority comment gets. */
const ALL_TIERS = SAMPLE_TIERS.reduce((bits, _, i) => bits | tierFlag(i), 0);

/**
 * Per tier, the last time slot (1/R of a second, by the comment's `createdAt`) that showed a
 * comment. A tier of R shows at most one ordinary comment per slot, so at most R a second however
 * many are posted; priority comments (owner, moderators, liked) always pass and fill their slot.
 */
export class Sampler {
  private readonly filled: number[] = SAMPLE_TIERS.map(() => Number.NEGATIVE_INFINITY);

  /** The tier bits of an entry (every tier for entries that are not comments). */
  tiers(entry: Entry, ownerId: string): number {
    if (entry.type !== 'comment') return ALL_TIERS;
    const comment = entry.comment;
    const priority = isPriority(comment, ownerId);
    let bits = 0;
    for (let i = 0; i < SAMPLE_TIERS.length; i++) {
      const slot = Math.floor((comment.createdAt * SAMPLE_TIERS[i]!) / 1000);
      if (slot > this.filled[i]!) {
        this.filled[i] = slot;
        bits |= tierFlag(i);
      } else if (priority) {
        bits |= tierFlag(i);
      }
    }
    return bits;
  }
}

/** Whether every tier shows a comment: the owner's, a moderator's or staff's, or one already liked. */
export function isPriority(comment: Comment, ownerId: string): boolean {
  if (comment.user.id === ownerId) return true;
  if ((comment.likes ?? 0) > 0) return true;
  const badges = comment.user.badges;
  return Array.isArray(badges) && badges.some((b) => PRIORITY_BADGES.has(b));
}

/**
 * The viewer keys (`viewerKeys`) a comment concerns: the author of the comment it replies to
 * (when known) and the names it mentions (`@name`). One pass over the text, bounded.
 */
export function concerns(comment: Comment, repliedTo: string | undefined): string[] {
  const keys: string[] = [];
  if (repliedTo !== undefined && repliedTo !== comment.user.id) keys.push(`u:${repliedTo}`);
  const text = comment.text;
  let at = text.indexOf('@');
  let found = 0;
  while (at >= 0 && found < MAX_MENTIONS) {
    let end = at + 1;
    while (end < text.length && end - at <= MAX_NAME && isNameChar(text.charCodeAt(end))) end++;
    let last = end;
    // A sentence's full stop or dash after a name is not part of it.
    while (last > at + 1 && (text.charCodeAt(last - 1) === 46 || text.charCodeAt(last - 1) === 45)) last--;
    if (last > at + 1) {
      keys.push(`n:${text.slice(at + 1, last).toLowerCase()}`);
      found++;
    }
    at = text.indexOf('@', end);
  }
  return keys;
}

/** Letters, digits, `_`, `-`, `.` of ASCII, and any non-ASCII code unit (names are Unicode). */
function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45 ||
    code === 46 ||
    code > 127
  );
}
