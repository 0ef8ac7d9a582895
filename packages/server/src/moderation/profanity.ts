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
import { candidateTerms, TERMS } from './profanity-screen.js';

const dataset = englishDataset.build();
// Built once: compiling the dataset's patterns costs milliseconds.
const matcher = new RegExpMatcher({ ...dataset, ...englishRecommendedTransformers });
/** Matchers for the few terms a text may hold (by their ids), built on first use. */
const narrowed = new Map<string, RegExpMatcher>();

function matcherFor(ids: readonly number[]): RegExpMatcher {
  if (ids.length === TERMS.length) return matcher;
  const key = ids.join(',');
  let m = narrowed.get(key);
  if (!m) {
    if (narrowed.size >= 1000) narrowed.clear();
    const wanted = new Set(ids);
    m = new RegExpMatcher({
      ...dataset,
      blacklistedTerms: dataset.blacklistedTerms.filter((t) => wanted.has(t.id)),
      ...englishRecommendedTransformers,
    });
    narrowed.set(key, m);
  }
  return m;
}
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
  const ids = candidateTerms(text);
  if (ids.length === 0) return [];
  return matcherFor(ids)
    .getAllMatches(text, true)
    .map((payload) => ({
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
