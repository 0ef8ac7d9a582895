/**
 * The decision: the strictest verdict of the stages, and the classifier scores against the
 * event's thresholds (block above `*Block`, hold above `*Hold`). A new author's spam thresholds
 * are a little stricter, since spam accounts are mostly new.
 */
import type { ModerationThresholds } from '@livecomments/protocol';
import type { Verdict } from './moderator.js';
import type { StageResult } from './policy.js';

/** How much stricter the spam thresholds are for a new author. */
export const NEW_AUTHOR_SPAM_MARGIN = 0.05;

const RANK: Record<Verdict, number> = { approve: 0, hold: 1, block: 2 };

/** The stricter of two verdicts. */
export function stricter(a: Verdict, b: Verdict): Verdict {
  return RANK[b] > RANK[a] ? b : a;
}

/** A classifier score against its thresholds. */
export function thresholdVerdict(score: number | undefined, block: number, hold: number): Verdict {
  if (score === undefined) return 'approve';
  if (score > block) return 'block';
  if (score > hold) return 'hold';
  return 'approve';
}

/** Combines stage results and scores into a verdict with its reasons. */
export function decide(
  stages: StageResult[],
  scores: Record<string, number>,
  t: ModerationThresholds,
  newAuthor: boolean,
): { verdict: Verdict; reasons: string[] } {
  let verdict: Verdict = 'approve';
  const reasons: string[] = [];
  for (const s of stages) {
    if (s.verdict) verdict = stricter(verdict, s.verdict);
    reasons.push(...s.reasons);
  }
  const margin = newAuthor ? NEW_AUTHOR_SPAM_MARGIN : 0;
  const spam = thresholdVerdict(scores.spam, t.spamBlock - margin, t.spamHold - margin);
  if (spam !== 'approve') reasons.push('spam');
  const toxicity = thresholdVerdict(scores.toxicity, t.toxicityBlock, t.toxicityHold);
  if (toxicity !== 'approve') reasons.push('toxicity');
  verdict = stricter(stricter(verdict, spam), toxicity);
  return { verdict, reasons: [...new Set(reasons)] };
}
