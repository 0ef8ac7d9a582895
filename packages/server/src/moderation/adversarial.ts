/**
 * Crafted worst cases for the moderation pipeline at the limits a client may set: comments of
 * the largest `maxCommentChars` and the longest blocked-terms list (`@livecomments/protocol/settings`). Each text
 * aims at one stage: runs that kept a backtracking blocked-terms pattern busy, leetspeak that
 * makes every reading ambiguous, near-links, near-insults, characters that NFKD makes long. The
 * bench (`bench:moderation -- --adversarial`) times them; `pipeline.test.ts` bounds them.
 */
import { EventSettingsSchema } from '@livecomments/protocol/settings';

/** The largest `maxCommentChars` and blocked-terms list the settings schema accepts. */
export const LIMITS = {
  commentChars: EventSettingsSchema.properties.maxCommentChars.maximum!,
  terms: EventSettingsSchema.properties.blockedTerms.maxItems!,
  termChars: EventSettingsSchema.properties.blockedTerms.items.maxLength!,
} as const;

/** `unit` repeated to exactly `LIMITS.commentChars` code points, then `end`. */
function fill(unit: string, end = ''): string {
  const units = [...unit];
  const want = LIMITS.commentChars - [...end].length;
  let out = '';
  for (let i = 0; i < want; i++) out += units[i % units.length];
  return out + end;
}

/** `LIMITS.commentChars` characters drawn from `chars` (a fixed linear congruential sequence). */
function noise(chars: string, seed: number): string {
  let out = '';
  for (let i = 0, x = seed; i < LIMITS.commentChars; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out += chars[(x >>> 16) % chars.length];
  }
  return out;
}

/** Crafted comments, by name, each `LIMITS.commentChars` code points long. */
export function adversarialTexts(): Record<string, string> {
  return {
    letterRun: fill('a', 'b'),
    lRun: fill('l', 'x'),
    oneRun: fill('1', 'x'),
    starRun: fill('*', 'x'),
    spacedStars: fill('* '),
    dottedLetters: fill('a.', 'b'),
    hyphenated: fill('a-', 'b'),
    ilMix: fill('il1!|', 'x'),
    capitals: fill('Aé'),
    leetWords: fill('a1 '),
    mentions: fill('@ab '),
    domainLike: fill('a.b.'),
    dotSpelling: fill('a dot '),
    urlTail: `http://${fill('a', '').slice(7)}`,
    expletiveStars: fill('*', '').replace(/^.{4}/su, 'fuck').slice(0, -1) + 'x',
    insultFiller: `you ${fill('stupid ', 'at')}`.slice(0, LIMITS.commentChars),
    groupFiller: `muslims are ${fill('so ', 'x')}`.slice(0, LIMITS.commentChars),
    harmQuantifier: `kill ${fill('the ', 'x')}`.slice(0, LIMITS.commentChars),
    repeats: fill('ab'),
    emoji: fill('😀'),
    longNfkd: fill('\ufdfa'),
    mixed: fill('F*ck th3 1d10t $h!t... you iiidiooot! go d0t com @bob 😀 '),
    // No period to skip: every term of the `vowels` list stays under way to the end.
    maskedNoise: noise('*1!|', 7),
  };
}

/**
 * The longest blocked-terms lists: `vowels` keeps every term under way on masked text (`*`
 * stands for any vowel, `1`, `!` and `|` for i and l), `words` holds ordinary words and their leetspeak look-alikes.
 */
export function adversarialTerms(): Record<string, string[]> {
  const vowels = 'aeiou';
  const il = 'il';
  const masked = new Set<string>();
  const spelled = new Set<string>();
  for (let n = 0; masked.size < LIMITS.terms; n++) {
    let term = '';
    for (let k = 1; k < LIMITS.termChars; k++) term += (n >> k) & 1 ? vowels[(n + k) % 5] : il[(n * 7 + k) % 2];
    // Ends in a letter no mask stands for, so that the terms stay under way without matching.
    masked.add(`${term}b`);
  }
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let n = 0; spelled.size < LIMITS.terms; n++) {
    let term = '';
    for (let k = 0, m = n; k < 6 + (n % 5); k++, m = Math.floor(m / 26) + k * 7) term += letters[m % 26];
    spelled.add(term);
  }
  return { vowels: [...masked], words: [...spelled] };
}
