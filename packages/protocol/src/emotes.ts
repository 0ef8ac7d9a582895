// Emotes (docs/API.md "Emotes and chat modes"): `:shortcode:` in a comment's text names a
// standard emoji (`@livecomments/protocol/shortcodes`) or one of the event's custom emotes. The
// log keeps the text as typed; pages turn shortcodes into pictures when they show it. What is
// here is shared by the server (emote-only mode) and the pages (rendering), and has no data.

/** A custom emote's shortcode (without the colons): lower-case letters, digits and `_`. */
export const EMOTE_CODE_PATTERN = '^[a-z0-9_]{2,32}$';
/** Custom emotes one event may have. */
export const MAX_EMOTES_PER_EVENT = 50;
/** Custom emotes one owner may have across all their events. */
export const MAX_EMOTES_PER_OWNER = 200;
/** The largest uploaded emote image, in bytes. */
export const MAX_EMOTE_BYTES = 32 * 1024;
/** The widest and tallest uploaded emote image, in pixels. */
export const MAX_EMOTE_PIXELS = 128;
/** The most frames of an animated (GIF) emote: at 128 x 128, 4 MB decoded at most. */
export const MAX_EMOTE_FRAMES = 60;

/** Longest shortcode name read between colons (gemoji's longest is 31). */
const MAX_NAME = 40;

/** A piece of a comment's text: plain text, or a `:shortcode:` (its name without colons). */
export type TextPart = { text: string } | { code: string };

/** Whether a code unit may be part of a shortcode name (`a-z`, `0-9`, `_`, `+`, `-`). */
function nameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 43 || c === 45;
}

/**
 * The length of the `:name:` starting at `i` (colons included), or 0. Reads at most `MAX_NAME`
 * characters ahead, so a text costs at most its length times that.
 */
function shortcodeAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 58) return 0;
  const end = Math.min(text.length, i + MAX_NAME + 2);
  for (let j = i + 1; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 58) return j > i + 1 ? j - i + 1 : 0;
    if (!nameChar(c)) return 0;
  }
  return 0;
}

/**
 * Splits a text into plain runs and shortcodes that `known` names (others stay text), in one pass
 * of bounded look-ahead: no regular expression runs over user text.
 */
export function splitShortcodes(text: string, known: (code: string) => boolean): TextPart[] {
  const parts: TextPart[] = [];
  let plain = 0;
  for (let i = 0; i < text.length; ) {
    const n = shortcodeAt(text, i);
    const code = n > 0 ? text.slice(i + 1, i + n - 1) : '';
    if (n > 0 && known(code)) {
      if (i > plain) parts.push({ text: text.slice(plain, i) });
      parts.push({ code });
      i += n;
      plain = i;
    } else {
      i += 1;
    }
  }
  if (plain < text.length) parts.push({ text: text.slice(plain) });
  return parts;
}

// One code point each (`u` flag, no quantifier): tested per code point, so no backtracking.
const PICTOGRAPH = /^[\p{Extended_Pictographic}\p{Regional_Indicator}]$/u;
const EMOJI_BASE = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]$/u;
const SPACE = /^\s$/u;
const ZWJ = 0x200d;
const VS16 = 0xfe0f;
const KEYCAP = 0x20e3;

/** Whether a code point may be part of an emoji: a base, a skin tone, a joiner, VS16 or a tag. */
function emojiPart(ch: string, cp: number): boolean {
  return cp === ZWJ || cp === VS16 || (cp >= 0xe0020 && cp <= 0xe007f) || EMOJI_BASE.test(ch);
}

/** Whether a code point is the base of a keycap emoji (`1️⃣`, `#️⃣`): a digit, `#` or `*`. */
function keycapBase(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || cp === 35 || cp === 42;
}

/**
 * Whether a text is only emoji and known shortcodes (spaces between them allowed), as emote-only
 * mode wants it. One walk over the code points, each tested against a single character class:
 * linear in the text's length (no grapheme segmentation, which costs far more per call). Every
 * code point must belong to emoji (pictographs, skin tones, flags, joiners, VS16, tags; a digit,
 * `#` or `*` only as a keycap), and one at least must be a picture or a shortcode.
 */
export function isEmoteOnly(text: string, known: (code: string) => boolean): boolean {
  let any = false;
  for (const part of splitShortcodes(text, known)) {
    if ('code' in part) {
      any = true;
      continue;
    }
    const points = Array.from(part.text);
    for (let i = 0; i < points.length; i++) {
      const ch = points[i]!;
      const cp = ch.codePointAt(0)!;
      if (SPACE.test(ch)) continue;
      if (keycapBase(cp)) {
        let next = i + 1;
        if (points[next]?.codePointAt(0) === VS16) next += 1;
        if (points[next]?.codePointAt(0) !== KEYCAP) return false;
        i = next;
        any = true;
        continue;
      }
      if (!emojiPart(ch, cp)) return false;
      if (PICTOGRAPH.test(ch)) any = true;
    }
  }
  return any;
}
