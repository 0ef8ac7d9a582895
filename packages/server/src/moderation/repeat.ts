/**
 * Repetition checks over a `RecentSet` (so they hold across a cluster): the same author posting
 * the same text again within a window, and unique-chat mode, which refuses a text anybody posted
 * recently. Texts are compared after folding (case, accents, look-alikes), without punctuation
 * or spaces and with runs of a letter shortened to one, so "LOL!!" repeats "lol" (but "number 11"
 * does not repeat "number 1").
 */
import { createHash } from 'node:crypto';
import type { RecentSet } from '../engines/recent-set.js';
import { fold } from './fold.js';
import type { Policy, StageResult } from './policy.js';

/** The comparison key of a text. */
export function repeatKey(text: string): string {
  const core = fold(text)
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]/gu, '')
    // Runs of a letter or an emoji are shortened ("thereeee"), not of a digit: "11" is not "1" (#20).
    .replace(/(\P{N})\1+/gsu, '$1');
  return createHash('sha1')
    .update(core || text)
    .digest('base64url')
    .slice(0, 16);
}

/** Checks and records the text: block `repeat` / `duplicate` when it was seen within the window. */
export async function checkRepeats(
  recent: RecentSet,
  input: { eventId: string; userId: string; text: string },
  policy: Policy,
): Promise<StageResult> {
  const key = repeatKey(input.text);
  const reasons: string[] = [];
  if (policy.repeatWindowMs > 0) {
    const fresh = await recent.addIfAbsent(`mod:rep:${input.eventId}:${input.userId}:${key}`, policy.repeatWindowMs);
    if (!fresh) reasons.push('repeat');
  }
  if (policy.uniqueChat) {
    const fresh = await recent.addIfAbsent(`mod:uniq:${input.eventId}:${key}`, policy.uniqueWindowMs);
    if (!fresh && reasons.length === 0) reasons.push('duplicate');
  }
  return reasons.length > 0 ? { verdict: 'block', reasons } : { reasons };
}
