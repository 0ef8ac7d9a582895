/**
 * The ways a comment may be read by the attack rules (`identity.ts`, `harassment.ts`): folded
 * (`fold`: case, accents, look-alike letters), curly apostrophes made straight, an @-mention
 * read as "you" (it addresses a person), digits and signs inside words read as the letters they
 * stand for (`a11 mus1ims`, `$cum`, `k!ll`, `k+ll`), letters stretched three times or more read
 * once and twice (`muuuslims`, `allll`), hyphens and other signs as spaces, and a team named
 * like a group ("the All Blacks") as one word. A "1" may be an "i"
 * or an "l", so each word with one is read both ways (up to four such words; beyond, all one
 * way or all the other).
 *
 * Left to the blocked terms of `rules.ts`: masked letters (`k*ll`), since a star may be any
 * letter, and letters spaced apart (`i d i o t`).
 */
import { fold } from './fold.js';

/** Letters that digits and signs stand for inside a word. */
const SIGNS: Record<string, string> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};
const SIGN_RUN = /[0134579@$!|+]+/g;
const LETTER = /\p{L}/u;
/** Words with a "1" read both ways, at most: 2^4 readings. */
const MOST_AMBIGUOUS = 4;

/** The readings of a text (one, or a few when it is ambiguous); each is words and single spaces. */
export function readings(text: string): string[] {
  // "the All Blacks" is a team: the capitalised pair is read as one name, before case goes.
  // The space is found first, then the name behind it: "\b[A-Z]\p{L}+ " tried from every capital
  // of "AéAéAé..." cost the square of its length.
  const folded = fold(text.replace(/ (?=Blacks\b)(?<=\b[A-Z]\p{L}+ )/gu, ''))
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/(^|\s)@[\p{L}\p{N}_]+/gu, '$1you');
  const read = folded
    .replace(SIGN_RUN, (run: string, at: number) => {
      const before = LETTER.test(folded[at - 1] ?? '');
      const after = LETTER.test(folded[at + run.length] ?? '');
      // "!" and "|" only inside a word ("k!ll", not "muslims!"); others beside a letter ("a11", "+errorists").
      const inside = /^[!|]+$/.test(run) ? before && after : before || after;
      return inside ? [...run].map((c) => (c === '1' ? '\u0001' : (SIGNS[c] ?? c))).join('') : run;
    })
    .replace(/[^\p{L}\p{N}'\u0001\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const forms = oneWays(read);
  return /(\p{L})\1\1/u.test(read)
    ? forms.flatMap((f) => [f.replace(/(\p{L})\1\1+/gu, '$1'), f.replace(/(\p{L})\1\1+/gu, '$1$1')])
    : forms;
}

/** Every reading of the "1"s that stand for letters (marked \u0001): "i" or "l", word by word. */
function oneWays(text: string): string[] {
  if (!text.includes('\u0001')) return [text];
  const words = text.split(' ');
  const ambiguous = words.flatMap((w, i) => (w.includes('\u0001') ? [i] : []));
  if (ambiguous.length > MOST_AMBIGUOUS) return ['i', 'l'].map((c) => text.replaceAll('\u0001', c));
  const out: string[] = [];
  for (let mask = 0; mask < 1 << ambiguous.length; mask++) {
    const copy = [...words];
    ambiguous.forEach((w, bit) => {
      copy[w] = copy[w]!.replaceAll('\u0001', mask & (1 << bit) ? 'l' : 'i');
    });
    out.push(copy.join(' '));
  }
  return out;
}
