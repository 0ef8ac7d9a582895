/**
 * Folds text so that evasions of a term look like the term: case, accents and other diacritics,
 * compatibility forms (fullwidth, circled, math letters), invisible characters, and Cyrillic or
 * Greek look-alikes of Latin letters. Leetspeak and inserted separators are left to the term
 * patterns of `rules.ts` and to the readings of `readings.ts`, since digits must stay digits
 * elsewhere.
 */

/** Cyrillic and Greek letters that render like Latin ones (after lower-casing). */
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ɡ: 'g',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  ь: 'b',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ı: 'i',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
};

const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}]/gu;
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

/**
 * Longest compatibility expansion of one character that folding keeps: ligatures and circled or
 * squared letters stay readable, while a character such as U+FDFA (18 letters) would multiply
 * the text every later stage reads, so it is kept as it is.
 */
const MAX_EXPANSION = 4;

/** NFKD, with no character expanded past `MAX_EXPANSION` code units (linear in the text). */
function decompose(text: string): string {
  const whole = text.normalize('NFKD');
  // Accents add one mark a letter; anything past twice the length holds a long expansion.
  if (whole.length <= text.length * 2) return whole;
  let out = '';
  for (const c of text) {
    const d = c.normalize('NFKD');
    out += d.length > MAX_EXPANSION ? c : d;
  }
  return out;
}

/** Case-folded, accent-free, look-alike-free text; same letters as a reader sees. */
export function fold(text: string): string {
  // One comment is folded by several stages (blocked terms, AutoMod's reading, the attack rules'
  // readings, the repetition key): the last result is kept so the same text is folded once.
  if (text === lastText) return lastFolded;
  lastFolded = foldUncached(text);
  lastText = text;
  return lastFolded;
}

let lastText = '';
let lastFolded = '';

/** `fold` without the one-entry memory. */
function foldUncached(text: string): string {
  return decompose(text)
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(LOOKALIKE_RE, (c) => LOOKALIKES[c] ?? c);
}
