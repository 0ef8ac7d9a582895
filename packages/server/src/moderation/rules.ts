/**
 * Per-event blocked terms that survive the usual evasions: case, accents, look-alike letters
 * (via `fold`), leetspeak (`1d10t`, `$h!t`), stretched letters (`iiidiot`), masked vowels
 * (`f*ck`) and separators inside the word (`i.d.i.o.t`, `i d i o t`). A term matches whole words
 * only, with common English suffixes, so "Scunthorpe" and "assess" stay fine. The matching is
 * `term-matcher.ts`: one pass over the text, no backtracking.
 */
import { fold } from './fold.js';
import type { StageResult } from './policy.js';
import { compileTermSet, matchTermSet, type TermSet } from './term-matcher.js';

const cache = new Map<string, TermSet | null>();
/** By list: an event's settings keep the same array, so most comments skip joining up to 100 KB of terms. */
const byList = new WeakMap<readonly string[], TermSet | null>();

/** The matcher of a list of terms (cached: events keep their list for long). */
export function compileTerms(terms: readonly string[]): TermSet | null {
  const known = byList.get(terms);
  if (known !== undefined) return known;
  const key = terms.join('\u0000');
  let set = cache.get(key);
  if (set === undefined) {
    set = compileTermSet(terms.map((t) => fold(t).trim()));
    if (cache.size >= 64) cache.clear();
    cache.set(key, set);
  }
  byList.set(terms, set);
  return set;
}

/** Blocks a comment that contains one of the event's blocked terms. */
export function checkBlockedTerms(text: string, terms: readonly string[]): StageResult {
  if (terms.length === 0) return { reasons: [] };
  const set = compileTerms(terms);
  if (set && matchTermSet(set, fold(text))) return { verdict: 'block', reasons: ['blocked_term'] };
  return { reasons: [] };
}
