// The key under which two display names count as the same name to a reader: "Streamer Sue",
// "streamer_sue", "Str3amer  Süe" and "Ѕtreamer Sue" (Cyrillic S) share one.
import { fold } from '../moderation/fold.js';

/** Digits and signs read as letters in names. */
const READ_AS: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '|': 'i',
  '!': 'i',
  l: 'i',
};

/**
 * Folded (case, accents, look-alikes), with digits and signs read as letters, `l` as `i`, and
 * everything that is not a letter or digit dropped. Linear in the name's length.
 */
export function nameKey(name: string): string {
  let key = '';
  for (const ch of fold(name)) {
    const read = READ_AS[ch] ?? ch;
    if (/[\p{L}\p{N}]/u.test(read)) key += read;
  }
  return key;
}
