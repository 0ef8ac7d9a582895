/**
 * The one folded reading of a comment that AutoMod's rules and lexicons read (`automod.ts`):
 * `fold` (case, accents, compatibility forms such as math, full-width and circled letters,
 * invisible characters, Cyrillic and Greek look-alikes) plus small capitals and other look-alike
 * letters, leetspeak inside words (`n1gg3r`, `f@g`), separators inside words (`f.a.g`,
 * `n-i-g-g-a`), letters spaced apart (`k y s`) and stretched letters (`faaaag`). Built with
 * loops over characters and regular expressions that cannot backtrack, so its cost is linear
 * in the text.
 */
import { fold } from './fold.js';

/** Look-alike letters that compatibility decomposition leaves alone (small capitals, syllabics, ...). */
const EXTRA_LOOKALIKES: Record<string, string> = {
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ǫ: 'q',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ᖴ: 'f',
  ᖇ: 'r',
  ᑕ: 'c',
  ᑎ: 'n',
  ᗩ: 'a',
  ᗪ: 'd',
  ᗰ: 'm',
  ᗷ: 'b',
  ᕼ: 'h',
  ᒪ: 'l',
  ᑭ: 'p',
  ᔕ: 's',
  ᑌ: 'u',
  ᐯ: 'v',
  ᗯ: 'w',
  ᒍ: 'j',
  ᘜ: 'g',
  ɑ: 'a',
  ɛ: 'e',
  ɩ: 'i',
  ɔ: 'c',
  ʋ: 'u',
  ѵ: 'v',
  ɯ: 'w',
  п: 'n',
  г: 'r',
  д: 'd',
  и: 'u',
  л: 'n',
  ш: 'w',
  я: 'r',
  ц: 'u',
  б: '6',
  ʃ: 'f',
  ɾ: 'r',
  ƒ: 'f',
};

/** Whether a text holds a look-alike at all (one character class, linear). */
const HAS_LOOKALIKE = new RegExp(`[${Object.keys(EXTRA_LOOKALIKES).join('')}]`, 'u');

/** Digits and signs that stand for letters inside a word. */
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
  '€': 'e',
  '£': 'l',
};

/** Anything but letters, digits and the signs leetspeak uses. */
const NOT_LETTER_OR_LEET = /[^\p{L}0-9@$!|+€£]+/gu;

/** Whether spaced single characters hold a digit or sign among letters. */
const LEET_DIGITS = /[0-9@$!|+€£]/;

/** A number with its unit ("2k", "100x", "1v1", "3rd", "5pm", "$50"): digits that stay digits. */
const NUMBER_WITH_UNIT = /^[$€£]?[0-9]+(?:[.,][0-9]+)?(?:k|m|x|s|st|nd|rd|th|pm|am|h|hr|hrs|v[0-9]+)?[$€£%]?$/;

/** Whether a token holds a digit or sign that may stand for a letter. */
const HAS_LEET = /[0-9@$!|+€£]/;

/** Apostrophes, dropped inside a word. */
const APOSTROPHE = /['\u2019\u2018`\u00b4\u02bc]/g;
/** A run of characters that are neither letters nor digits (one class, linear). */
const SEPARATORS = /[^\p{L}0-9]+/u;

/** Whether each BMP character is a letter: 0 unknown, 1 yes, 2 no (a regular expression per character costs too much). */
const LETTERS = new Uint8Array(0x10000);

function isLetter(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (c.length > 1 || code >= 0x10000) return /\p{L}/u.test(c);
  let v = LETTERS[code]!;
  if (v === 0) {
    v = /\p{L}/u.test(c) ? 1 : 2;
    LETTERS[code] = v;
  }
  return v === 1;
}

/** The reading: words of the text, and the same words with separators and spacing undone. */
export interface ChatReading {
  /** The text folded (`fold` and look-alikes), punctuation kept: links and numbers are read on it. */
  folded: string;
  /** Folded words, leetspeak read inside words, separators splitting words (`well known`), runs of 3+ letters read twice. */
  words: string[];
  /** `words` joined by single spaces: what phrase rules read. */
  text: string;
  /** Handles named in the text (`@name`, read as "you" in `words`). */
  handles: number;
  /** Tokens with separators removed and single letters spaced apart glued (`f.a.g` and `f a g` read `fag`): what lexicons read. */
  glued: string[];
}

/** Folds one character beyond `fold` (small capitals and other look-alikes). */
function foldExtra(text: string): string {
  // Most comments hold none: one scan of a character class, instead of a string built char by char.
  if (!HAS_LOOKALIKE.test(text)) return text;
  let out = '';
  for (const c of text) out += EXTRA_LOOKALIKES[c] ?? c;
  return out;
}

/**
 * Leetspeak inside one raw token: a digit or sign with a letter beside it reads as a letter
 * (`n1gg3r`, `$cam`); `!` and `|` only between letters, so "him!" stays "him". Numbers
 * ("1997", "3-1") have no letter beside their digits and stay numbers.
 */
function deLeet(token: string): string {
  if (!HAS_LEET.test(token) || NUMBER_WITH_UNIT.test(token)) return token;
  const chars = [...token];
  let out = '';
  for (let i = 0; i < chars.length; ) {
    if (LEET[chars[i]!] === undefined) {
      out += chars[i++];
      continue;
    }
    // A run of signs reads as letters when a letter touches the run ("fa990t", "ni99er").
    let end = i;
    let bang = true;
    for (; end < chars.length && LEET[chars[end]!] !== undefined; end++)
      bang &&= chars[end] === '!' || chars[end] === '|';
    const before = isLetter(chars[i - 1]);
    const after = isLetter(chars[end]);
    const letters = bang ? before && after : before || after;
    for (; i < end; i++) out += letters ? LEET[chars[i]!]! : chars[i];
  }
  return out;
}

/** Three of one character in a row (a backreference at each position: constant work per character). */
const STRETCHED = /(.)\1\1/su;

/** Runs of three or more of one letter read as two (`faaaag` -> `faag`, `gooooal` -> `gooal`). */
function unstretch(word: string): string {
  if (!STRETCHED.test(word)) return word;
  let out = '';
  let run = 0;
  let last = '';
  for (const c of word) {
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= 2) out += c;
  }
  return out;
}

/** Reads a comment once for every AutoMod rule. */
export function readChat(raw: string): ChatReading {
  const folded = foldExtra(fold(foldExtra(raw)));
  const rawTokens = folded.split(/\s+/).filter((t) => t.length > 0);
  const words: string[] = [];
  const glued: string[] = [];
  let singles = '';
  const flushSingles = () => {
    if (singles.length >= 3) {
      // Spaced digits stand for letters too ("n 1 g g a"); a spaced word after an article
      // ("a f a g") is read with and without it.
      const word = LEET_DIGITS.test(singles) ? [...singles].map((c) => LEET[c] ?? c).join('') : singles;
      glued.push(word);
      if (word.length >= 4 && (word[0] === 'a' || word[0] === 'i')) glued.push(word.slice(1));
    }
    singles = '';
  };
  let handles = 0;
  for (const token of rawTokens) {
    // An @-mention addresses a person: it reads as "you" (and counts as a handle for spam rules).
    if (token.length > 2 && token[0] === '@' && isLetter(token[1])) {
      handles++;
      flushSingles();
      words.push('you');
      continue;
    }
    // "you're" reads "youre", "i'll" reads "ill": one word, as chat often writes it anyway.
    const read = deLeet(token).replace(APOSTROPHE, '');
    // Anything but a letter or a digit separates words; glued, the parts make one token.
    const parts = SEPARATORS.test(read) ? read.split(SEPARATORS).filter((w) => w.length > 0) : read ? [read] : [];
    for (const w of parts) words.push(unstretch(w));
    const word = unstretch(parts.join(''));
    // Leetspeak between separators ("f.@.g"): the signs read as letters once the separators go.
    if (parts.length > 1 && HAS_LEET.test(token)) {
      const signs = deLeet(token.replace(NOT_LETTER_OR_LEET, ''));
      if (signs !== word && signs.length > 1) glued.push(unstretch(signs));
    }
    // A lone separator ("k . y . s") breaks no run of spaced letters.
    if (word.length === 0) continue;
    if (word.length === 1) {
      singles += word;
      continue;
    }
    flushSingles();
    glued.push(word);
  }
  flushSingles();
  return { folded, words, text: words.join(' '), glued, handles };
}
