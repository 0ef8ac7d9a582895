/**
 * Profanity, found by the `obscenity` library (English dataset with its recommended
 * transformers: look-alikes, leetspeak, repeated letters; it whitelists "Scunthorpe"-like
 * words), handled by the event's policy: allow, mask with symbols, hold, or block.
 */
import type { ProfanityPolicy } from '@livecomments/protocol';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher, TextCensor } from 'obscenity';
import type { StageResult } from './policy.js';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor();

/** Applies the profanity policy to a text. */
export function checkProfanity(text: string, policy: ProfanityPolicy): StageResult {
  if (policy === 'allow') return { reasons: [] };
  const matches = matcher.getAllMatches(text, true);
  if (matches.length === 0) return { reasons: [], scores: { profanity: 0 } };
  const scores = { profanity: 1 };
  if (policy === 'mask') return { reasons: ['profanity_masked'], scores, text: censor.applyTo(text, matches) };
  return { verdict: policy, reasons: ['profanity'], scores };
}
