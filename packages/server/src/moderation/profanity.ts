/**
 * Profanity, found by the `obscenity` library (English dataset with its recommended
 * transformers: look-alikes, leetspeak, repeated letters; it whitelists "Scunthorpe"-like
 * words), handled by the event's policy: allow, mask with symbols, hold, or block.
 */
import type { ProfanityPolicy } from '@livecomments/protocol';
import {
  englishDataset,
  englishRecommendedTransformers,
  type MatchPayload,
  RegExpMatcher,
  TextCensor,
} from 'obscenity';
import type { StageResult } from './policy.js';
import { mayBeProfane } from './profanity-screen.js';

// Built once: compiling the dataset's patterns costs milliseconds.
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor();

/** One profane word found in a text: where (end exclusive) and which dataset word it is. */
export interface ProfanityMatch {
  start: number;
  end: number;
  /** The dataset's word, e.g. `fuck` for "f*cking" or "motherfucker". */
  word: string;
  payload: MatchPayload;
}

/** The profanity of a text, in text order (empty for most comments). */
export function findProfanity(text: string): ProfanityMatch[] {
  if (!mayBeProfane(text)) return [];
  return matcher.getAllMatches(text, true).map((payload) => ({
    start: payload.startIndex,
    end: payload.endIndex + 1,
    word: englishDataset.getPayloadWithPhraseMetadata(payload).phraseMetadata?.originalWord ?? '',
    payload,
  }));
}

/** Applies the profanity policy to a text (pass `matches` when they are already known). */
export function checkProfanity(
  text: string,
  policy: ProfanityPolicy,
  matches: readonly ProfanityMatch[] = policy === 'allow' ? [] : findProfanity(text),
): StageResult {
  if (policy === 'allow') return { reasons: [] };
  if (matches.length === 0) return { reasons: [], scores: { profanity: 0 } };
  const scores = { profanity: 1 };
  if (policy === 'mask')
    return {
      reasons: ['profanity_masked'],
      scores,
      text: censor.applyTo(
        text,
        matches.map((m) => m.payload),
      ),
    };
  return { verdict: policy, reasons: ['profanity'], scores };
}
