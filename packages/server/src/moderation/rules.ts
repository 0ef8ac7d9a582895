/**
 * Per-event blocked terms that survive the usual evasions: case, accents, look-alike letters
 * (via `fold`), leetspeak (`1d10t`, `$h!t`), stretched letters (`iiidiot`), masked vowels
 * (`f*ck`) and separators inside the word (`i.d.i.o.t`, `i d i o t`). A term matches whole words
 * only, with common English suffixes, so "Scunthorpe" and "assess" stay fine.
 */
import { fold } from './fold.js';
import type { StageResult } from './policy.js';

/** What each letter may be written as, besides itself. */
const LEET: Record<string, string> = {
  a: '4@^*',
  b: '8',
  c: '(<¢',
  e: '3€*',
  g: '96',
  h: '#',
  i: '1!|l*',
  l: '1|!i',
  o: '0*',
  s: '5$z',
  t: '7+',
  u: 'v*',
  z: '2',
};

/** What may sit between the letters of an evasion: spaces and punctuation, no letters or digits. */
const GAP = '[\\s._\\-~·,\'"/\\\\:;]*';
/** Endings that keep a word the same word ("idiots", "idiotic" does not count). */
const SUFFIX = '(?:s|es|ed|er|ers|ing)?';

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}

/** The pattern of one term (already folded), or null when it has no letters or digits. */
function termPattern(term: string): string | null {
  const chars = [...term].filter((c) => /[\p{L}\p{N}\s]/u.test(c));
  const parts: string[] = [];
  for (const c of chars) {
    if (/\s/.test(c)) continue;
    parts.push(`[${escapeClass(c + (LEET[c] ?? ''))}]+`);
  }
  if (parts.length === 0) return null;
  return parts.join(GAP);
}

const cache = new Map<string, RegExp | null>();

/** One regular expression for a list of terms (cached: events keep their list for long). */
export function compileTerms(terms: readonly string[]): RegExp | null {
  const key = terms.join('\u0000');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const patterns = terms.map((t) => termPattern(fold(t).trim())).filter((p): p is string => p !== null);
  const re =
    patterns.length === 0
      ? null
      : new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join('|')})${SUFFIX}(?![\\p{L}\\p{N}])`, 'u');
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/** Blocks a comment that contains one of the event's blocked terms. */
export function checkBlockedTerms(text: string, terms: readonly string[]): StageResult {
  if (terms.length === 0) return { reasons: [] };
  const re = compileTerms(terms);
  if (re?.test(fold(text))) return { verdict: 'block', reasons: ['blocked_term'] };
  return { reasons: [] };
}
