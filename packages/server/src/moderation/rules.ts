/**
 * Per-event blocked terms that survive the usual evasions: case, accents, look-alike letters
 * (via `fold`), leetspeak (`1d10t`, `$h!t`), stretched letters (`iiidiot`), masked vowels
 * (`f*ck`) and separators inside the word (`i.d.i.o.t`, `i d i o t`). A term matches whole words
 * only, or their plural (-s, -es), so "Scunthorpe", "assess" and "bad wording" (for "bad word")
 * stay fine; the words of a multi-word term match in sequence, not across a sentence break. When
 * the event asks (`blockedTermsMatch`), a term is also found glued inside a longer token, and
 * written backwards. The matching is `term-matcher.ts`: one pass over the text, no backtracking
 * (two when glued: whole words, then inside tokens).
 */
import type { EventSettings } from '@livecomments/protocol';
import { fold } from './fold.js';
import type { StageResult } from './policy.js';
import { compileTermSet, matchTermSet, type TermSet } from './term-matcher.js';

/** How an event's blocked terms match (`EventSettings.blockedTermsMatch`). */
export type TermMatchOptions = NonNullable<EventSettings['blockedTermsMatch']>;

const WHOLE_WORDS: TermMatchOptions = { glued: false, reversed: false };

/** The matchers of one list: whole words, and inside tokens when glued matching is asked. */
export interface TermMatchers {
  whole: TermSet | null;
  glued: TermSet | null;
}

const cache = new Map<string, TermMatchers>();
/** By list: an event's settings keep the same array, so most comments skip joining up to 100 KB of terms. */
const byList = new WeakMap<readonly string[], Map<string, TermMatchers>>();

/** A term's code points in reverse order ("idiot" -> "toidi"). */
function reversed(term: string): string {
  return Array.from(term).reverse().join('');
}

/** The matchers of a list of terms (cached: events keep their list for long). */
export function compileTerms(terms: readonly string[], options: TermMatchOptions = WHOLE_WORDS): TermMatchers {
  const mode = `${options.glued ? 'g' : '-'}${options.reversed ? 'r' : '-'}`;
  let forList = byList.get(terms);
  const known = forList?.get(mode);
  if (known) return known;
  const key = `${mode}\u0000${terms.join('\u0000')}`;
  let matchers = cache.get(key);
  if (!matchers) {
    const folded = terms.map((t) => fold(t).trim());
    const all = options.reversed ? [...new Set([...folded, ...folded.map(reversed)])] : folded;
    matchers = { whole: compileTermSet(all), glued: options.glued ? compileTermSet(all, { glued: true }) : null };
    if (cache.size >= 64) cache.clear();
    cache.set(key, matchers);
  }
  if (!forList) {
    forList = new Map();
    byList.set(terms, forList);
  }
  forList.set(mode, matchers);
  return matchers;
}

/** Blocks a comment that contains one of the event's blocked terms. */
export function checkBlockedTerms(
  text: string,
  terms: readonly string[],
  options: TermMatchOptions = WHOLE_WORDS,
): StageResult {
  if (terms.length === 0) return { reasons: [] };
  const { whole, glued } = compileTerms(terms, options);
  const folded = fold(text);
  if ((whole && matchTermSet(whole, folded)) || (glued && matchTermSet(glued, folded)))
    return { verdict: 'block', reasons: ['blocked_term'] };
  return { reasons: [] };
}
