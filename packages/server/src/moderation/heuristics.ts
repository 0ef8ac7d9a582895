/**
 * Shape heuristics that flag shouting and floods: mostly capitals, one character repeated many
 * times, many emoji, many mentions. Each holds the comment for review; none blocks, since all
 * of them also happen in honest excitement.
 */
import type { StageResult } from './policy.js';

/** Limits of the heuristics. */
export const HEURISTIC_LIMITS = {
  /** Capitals share above which a comment with at least `capsMinLetters` letters is shouting. */
  capsShare: 0.8,
  capsMinLetters: 20,
  /** The same character this many times in a row. */
  repeatRun: 12,
  /** This many emoji, and most of the comment. */
  emoji: 16,
  mentions: 5,
} as const;

const EMOJI = /\p{Extended_Pictographic}/gu;
const MENTION = /(?:^|\s)@[\p{L}\p{N}_]{2,}/gu;
const REPEAT_RUN = new RegExp(`(.)\\1{${HEURISTIC_LIMITS.repeatRun - 1},}`, 'su');

/** Checks a text against the heuristics. */
export function checkHeuristics(text: string): StageResult {
  const reasons: string[] = [];
  let letters = 0;
  let upper = 0;
  for (const c of text) {
    if (c.toLowerCase() !== c) {
      upper++;
      letters++;
    } else if (c.toUpperCase() !== c) letters++;
  }
  const caps = letters === 0 ? 0 : upper / letters;
  if (letters >= HEURISTIC_LIMITS.capsMinLetters && caps >= HEURISTIC_LIMITS.capsShare) reasons.push('caps');
  if (REPEAT_RUN.test(text)) reasons.push('repeated_chars');
  const emoji = text.match(EMOJI)?.length ?? 0;
  if (emoji >= HEURISTIC_LIMITS.emoji && emoji * 2 >= [...text.replace(/\s|\uFE0F|\u200D/g, '')].length)
    reasons.push('emoji_flood');
  const mentions = text.match(MENTION)?.length ?? 0;
  if (mentions >= HEURISTIC_LIMITS.mentions) reasons.push('mention_flood');
  const scores = { caps };
  return reasons.length > 0 ? { verdict: 'hold', reasons, scores } : { reasons, scores };
}
