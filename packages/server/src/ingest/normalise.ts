// Text normalisation of the write path: what is stored and shown is NFC, on one line, without
// control or invisible direction characters, and trimmed. Comments, names and event titles alike
// must hold at least one visible character (#12).
import { errors } from '../util/errors.js';

// A run of spaces and line breaks (tabs count as breaks) becomes one space when it holds a
// break. Runs are matched whole and judged after: " *[breaks]+ *" was tried from every space of
// a long run that ends in no break, and cost the square of its length (13 s for 64,000 spaces).
const BLANK_RUN = /[ \t\n\v\f\r\u0085\u2028\u2029]+/g;
const LINE_BREAK = /[\t\n\v\f\r\u0085\u2028\u2029]/;
// C0/C1 controls, zero-width space, direction marks and overrides, byte-order mark.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/**
 * A character that shows: not a space, control, format character (joiners, tags, direction
 * marks), combining mark on its own, default-ignorable character (Hangul fillers, variation
 * selectors, word joiner...) or the blank braille pattern.
 */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}\u2800]/u;
/**
 * In names and titles, besides `INVISIBLE`: every control, the Arabic letter mark, word joiners
 * and invisible operators, soft hyphens, interlinear annotations. Joiners, variation selectors
 * and tags stay, for emoji ("👨‍👩‍👧", flags) and scripts that need them.
 */
const NAME_INVISIBLE = /[\p{Cc}\u00ad\u061c\u180e\u2060-\u2064\u206a-\u206f\ufff9-\ufffb]/gu;
const SPACES = /\s+/g;

/** Longest user name, in code points. */
export const MAX_NAME_CHARS = 64;
/** Longest event title, in code points. */
export const MAX_TITLE_CHARS = 200;

/**
 * Normalises comment text; the result may be empty (then the comment is refused). NFC comes
 * after the removals: a removed character between a letter and its accent would otherwise leave
 * the pair uncomposed, and a second pass would change the text.
 */
export function normaliseText(raw: string): string {
  return raw.toWellFormed().replace(BLANK_RUN, oneLine).replace(INVISIBLE, '').normalize('NFC').trim();
}

/** A blank run as one space if it breaks the line, else as it is. */
function oneLine(run: string): string {
  return LINE_BREAK.test(run) ? ' ' : run;
}

/** Whether a text has a character that shows (a text of only Hangul fillers or tag characters has none). */
export function hasVisible(text: string): boolean {
  return VISIBLE.test(text);
}

/**
 * A name or title as stored and shown: well-formed, NFC, one line with single spaces, no
 * controls, direction overrides or other invisible characters, trimmed and cut to `max` code
 * points at a grapheme boundary (an emoji or a surrogate pair is never split). Empty when
 * nothing visible is left.
 */
function normaliseLine(raw: string, max: number): string {
  const line = normaliseText(raw).replace(NAME_INVISIBLE, '').replace(SPACES, ' ').normalize('NFC').trim();
  if (!hasVisible(line)) return '';
  return cut(line, max).trim();
}

/** The longest prefix of whole graphemes with at most `max` code points. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  let count = 0;
  for (const { segment } of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)) {
    count += charCount(segment);
    if (count > max) break;
    out += segment;
  }
  return out;
}

/** A user name as stored and shown (`normaliseLine`); empty when blank. */
export function normaliseName(raw: string): string {
  return normaliseLine(raw, MAX_NAME_CHARS);
}

/** An event title as stored and shown (`normaliseLine`); empty when blank. */
export function normaliseTitle(raw: string): string {
  return normaliseLine(raw, MAX_TITLE_CHARS);
}

/** The normalised name; `invalid_request` when nothing visible is left. */
export function requireName(raw: string): string {
  const name = normaliseName(raw);
  if (!name) throw errors.invalid('name has no visible character');
  return name;
}

/** The normalised title; `invalid_request` when nothing visible is left. */
export function requireTitle(raw: string): string {
  const title = normaliseTitle(raw);
  if (!title) throw errors.invalid('title has no visible character');
  return title;
}

/** Length in code points, as users count characters. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
