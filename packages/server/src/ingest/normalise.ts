// Text normalisation of the write path: what is stored and shown is NFC, on one line, without
// control or invisible direction characters, and trimmed.

const LINE_BREAKS = / *[\t\n\v\f\r\u0085\u2028\u2029]+ */g;
// C0/C1 controls, zero-width space, direction marks and overrides, byte-order mark.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Normalises comment text; the result may be empty (then the comment is refused). */
export function normaliseText(raw: string): string {
  return raw.toWellFormed().normalize('NFC').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').trim();
}

/** Length in code points, as users count characters. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
