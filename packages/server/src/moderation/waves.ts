/**
 * Copy-paste waves: the same text (after folding, without mentions, emoji, punctuation or spaces) posted
 * by several distinct authors in one event within a short window, as spam rings and raids do.
 * Counted over the shared `RecentSet` (so across nodes) with bounded memory: per event and text,
 * one key per author that posted it (to count an author once) and at most `authors - 1` slot keys,
 * each expiring after the window. The first authors claim the slots; an author who finds every
 * slot taken is at least the `authors`-th distinct one: a `spam:copy_wave` finding. Alone it is
 * only possible (held at `high`): a crowd that chants or wishes a happy birthday in the same words
 * is ordinary live chat. With another spam sign (a link, contact, money, a spam score) it is clear.
 * Short texts ("gg", "LETS GOOO", "F") are not even tracked.
 */
import { createHash } from 'node:crypto';
import type { AutomodLevel } from '@livecomments/protocol';
import type { RecentSet } from '../engines/recent-set.js';
import type { Finding } from './automod.js';
import { fold } from './fold.js';

/** How a wave is recognised. */
export const WAVE = {
  /** Distinct authors of one text within the window that make a wave (the last one is flagged). */
  authors: 3,
  windowMs: 60_000,
  /** Texts shorter than this (letters and digits after folding) or of fewer words are not tracked. */
  minChars: 20,
  minWords: 4,
} as const;

const MENTION = /@[\p{L}\p{N}_.-]+/gu;

/** The wave key of a text, or null when the text is too short to be tracked. */
export function waveKey(text: string): string | null {
  const plain = text.replace(MENTION, ' ');
  let words = 0;
  for (const w of plain.split(/\s+/)) if (w.length > 0) words++;
  if (words < WAVE.minWords) return null;
  const core = fold(plain)
    // Letters and digits only: an emoji or a mark added to each copy does not make it new.
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/(\P{N})\1+/gsu, '$1');
  if (core.length < WAVE.minChars) return null;
  return createHash('sha1').update(core).digest('base64url').slice(0, 16);
}

/**
 * Records the comment in its text's wave and returns a finding when its author is at least the
 * `WAVE.authors`-th distinct one within the window. Nothing is recorded when the spam level is
 * `off` or `low` (a likely finding would not act there) or the text is short.
 */
export async function checkWave(
  recent: RecentSet,
  input: { eventId: string; userId: string; text: string },
  level: AutomodLevel,
  otherSpamSign: boolean,
): Promise<Finding | null> {
  if (level === 'off' || level === 'low') return null;
  const key = waveKey(input.text);
  if (key === null) return null;
  const base = `mod:wave:${input.eventId}:${key}`;
  // An author posting the text again is the repeat check's business, not a new voice of the wave.
  if (!(await recent.addIfAbsent(`${base}:a:${input.userId}`, WAVE.windowMs))) return null;
  for (let slot = 0; slot < WAVE.authors - 1; slot++)
    if (await recent.addIfAbsent(`${base}:s:${slot}`, WAVE.windowMs)) return null;
  return { category: 'spam', kind: 'copy_wave', strength: otherSpamSign ? 3 : 1 };
}
