/**
 * The blocked-terms matcher of `rules.ts`, without a regular expression: a term is a sequence of
 * letter classes (each letter with its leetspeak forms), each class read one or more times, with
 * separators allowed between classes, then an optional common suffix, as a whole word. The text
 * is read once, left to right; each term that may be under way keeps its possible positions as
 * bits (a shift-and automaton), so the cost is at most text length × term letters / 32, with no
 * backtracking, whatever the text. A regular expression of the same shape
 * (`[i1!]+[\s.]*[d]+...`) backtracked with the fourth power of the length (the Hardening issue).
 */

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
const GAP = /[\s._\-~·,'"/\\:;]/u;
const WORD = /[\p{L}\p{N}]/u;

/** Suffix states after the last letter: "e", "er" (complete), "i", "in", complete. */
const SUF_E = 1;
const SUF_ER = 2;
const SUF_I = 4;
const SUF_IN = 8;
const SUF_DONE = 16;
const SUF_ACCEPT = SUF_ER | SUF_DONE;

/** One term: per character, the bits of the letter positions whose class holds that character. */
interface Term {
  /** Number of letters. */
  letters: number;
  /** 32-bit words of one state vector. */
  words: number;
  /** Offset of its state words in the scratch vectors. */
  offset: number;
  masks: Map<string, Uint32Array>;
  /** Positions a separator may follow (all but the last letter). */
  gapMask: Uint32Array;
}

/** A compiled list of terms. */
export interface TermSet {
  terms: Term[];
  /** The terms whose first letter's class holds a character, by character. */
  starters: Map<string, number[]>;
  /** Total state words of all terms. */
  stateWords: number;
}

/** The letters of a folded term: its letters and digits, by code point. */
function letters(term: string): string[] {
  return [...term].filter((c) => WORD.test(c));
}

/** Compiles folded terms; null when none has a letter or digit. */
export function compileTermSet(folded: readonly string[]): TermSet | null {
  const terms: Term[] = [];
  const starters = new Map<string, number[]>();
  let stateWords = 0;
  for (const term of folded) {
    const chars = letters(term);
    if (chars.length === 0) continue;
    const words = Math.ceil(chars.length / 32);
    const masks = new Map<string, Uint32Array>();
    chars.forEach((c, k) => {
      for (const x of [c, ...(LEET[c] ?? '')]) {
        const mask = masks.get(x) ?? new Uint32Array(words);
        mask[k >>> 5]! |= 1 << (k & 31);
        masks.set(x, mask);
      }
    });
    const gapMask = new Uint32Array(words);
    for (let k = 0; k < chars.length - 1; k++) gapMask[k >>> 5]! |= 1 << (k & 31);
    const id = terms.length;
    terms.push({ letters: chars.length, words, offset: stateWords, masks, gapMask });
    stateWords += words;
    for (const x of new Set([chars[0]!, ...(LEET[chars[0]!] ?? '')])) {
      const list = starters.get(x);
      if (list) list.push(id);
      else starters.set(x, [id]);
    }
  }
  return terms.length === 0 ? null : { terms, starters, stateWords };
}

/** Character kinds: 1 a letter or digit, 2 a separator. */
const kinds = new Map<string, number>();

function kindOf(c: string): number {
  let k = kinds.get(c);
  if (k === undefined) {
    k = WORD.test(c) ? 1 : GAP.test(c) ? 2 : 0;
    if (kinds.size < 65_536) kinds.set(c, k);
  }
  return k;
}

/** Whether the last letter of `term` is among its current positions. */
function atLast(term: Term, R: Uint32Array): boolean {
  const k = term.letters - 1;
  return (R[term.offset + (k >>> 5)]! & (1 << (k & 31))) !== 0;
}

/** The suffix states after reading `x`, from the states before it. */
function nextSuffix(suffix: number, last: boolean, x: string): number {
  let next = 0;
  if (last) {
    if (x === 's') next |= SUF_DONE;
    else if (x === 'e') next |= SUF_E;
    else if (x === 'i') next |= SUF_I;
  }
  if (suffix & SUF_E) {
    if (x === 's' || x === 'd') next |= SUF_DONE;
    else if (x === 'r') next |= SUF_ER;
  }
  if (suffix & SUF_ER && x === 's') next |= SUF_DONE;
  if (suffix & SUF_I && x === 'n') next |= SUF_IN;
  if (suffix & SUF_IN && x === 'g') next |= SUF_DONE;
  return next;
}

/** True when a folded text holds one of the terms as a whole word. */
export function matchTermSet(set: TermSet, text: string): boolean {
  const R = new Uint32Array(set.stateWords);
  const G = new Uint32Array(set.stateWords);
  const suffix = new Uint8Array(set.terms.length);
  const isActive = new Uint8Array(set.terms.length);
  let active: number[] = [];
  let next: number[] = [];
  let prevWord = false;
  for (const x of text) {
    const kind = kindOf(x);
    const word = kind === 1;
    const gap = kind === 2;
    next.length = 0;
    for (const t of active) {
      const term = set.terms[t]!;
      const last = atLast(term, R);
      if (!word && (last || suffix[t]! & SUF_ACCEPT)) return true;
      const mask = term.masks.get(x);
      let alive = 0;
      let carry = 0;
      for (let w = 0, o = term.offset; w < term.words; w++, o++) {
        const r = R[o]!;
        const both = r | G[o]!;
        const m = mask ? mask[w]! : 0;
        const nr = (r | (both << 1) | carry) & m;
        const ng = gap ? both & term.gapMask[w]! : 0;
        carry = both >>> 31;
        R[o] = nr;
        G[o] = ng;
        alive |= nr | ng;
      }
      const s = nextSuffix(suffix[t]!, last, x);
      suffix[t] = s;
      if (alive !== 0 || s !== 0) next.push(t);
      else isActive[t] = 0;
    }
    [active, next] = [next, active];
    if (!prevWord) {
      for (const t of set.starters.get(x) ?? []) {
        R[set.terms[t]!.offset]! |= 1;
        if (!isActive[t]) {
          isActive[t] = 1;
          active.push(t);
        }
      }
    }
    prevWord = word;
  }
  for (const t of active) if (atLast(set.terms[t]!, R) || suffix[t]! & SUF_ACCEPT) return true;
  return false;
}
