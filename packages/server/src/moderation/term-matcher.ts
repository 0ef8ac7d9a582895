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
  masks: Map<number, Int32Array>;
  /** The bit of the last letter, in the last word. */
  lastBit: number;
  /** Positions a separator may follow in the last word (all but the last letter). */
  lastGapMask: number;
}

/** A compiled list of terms. */
export interface TermSet {
  terms: Term[];
  /** The terms whose first letter's class holds a character, by character. */
  starters: Map<number, number[]>;
  /** The terms whose classes hold a character, by character. */
  holders: Map<number, number[]>;
  /** Total state words of all terms. */
  stateWords: number;
  /** Letters of the longest term. */
  maxLetters: number;
  /** The state masks of the first characters met (`KEPT_MASKS`), kept across texts. */
  kept: Map<number, Int32Array>;
  /** Per state word: its term, whether it is the term's first, its last-letter bit, its separator bits. */
  wordTerm: Int32Array;
  firstWord: Uint8Array;
  lastBits: Int32Array;
  gapBits: Int32Array;
}

/** The code points of a string. */
function codePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0)!);
}

/** The letters of a folded term: its letters and digits, by code point. */
function letters(term: string): string[] {
  return [...term].filter((c) => WORD.test(c));
}

/** Compiles folded terms; null when none has a letter or digit. */
export function compileTermSet(folded: readonly string[]): TermSet | null {
  const terms: Term[] = [];
  const starters = new Map<number, number[]>();
  const holders = new Map<number, number[]>();
  let stateWords = 0;
  for (const term of folded) {
    const chars = letters(term);
    if (chars.length === 0) continue;
    const words = Math.ceil(chars.length / 32);
    const masks = new Map<number, Int32Array>();
    chars.forEach((c, k) => {
      for (const x of codePoints(c + (LEET[c] ?? ''))) {
        const mask = masks.get(x) ?? new Int32Array(words);
        mask[k >>> 5]! |= 1 << (k & 31);
        masks.set(x, mask);
      }
    });
    const id = terms.length;
    const lastBit = 1 << ((chars.length - 1) & 31);
    terms.push({ letters: chars.length, words, offset: stateWords, masks, lastBit, lastGapMask: lastBit - 1 });
    stateWords += words;
    for (const x of masks.keys()) {
      const list = holders.get(x);
      if (list) list.push(id);
      else holders.set(x, [id]);
    }
    for (const x of new Set(codePoints(chars[0]! + (LEET[chars[0]!] ?? '')))) {
      const list = starters.get(x);
      if (list) list.push(id);
      else starters.set(x, [id]);
    }
  }
  if (terms.length === 0) return null;
  const wordTerm = new Int32Array(stateWords);
  const firstWord = new Uint8Array(stateWords);
  const lastBits = new Int32Array(stateWords);
  const gapBits = new Int32Array(stateWords).fill(-1);
  terms.forEach((term, t) => {
    wordTerm.fill(t, term.offset, term.offset + term.words);
    firstWord[term.offset] = 1;
    lastBits[term.offset + term.words - 1] = term.lastBit;
    gapBits[term.offset + term.words - 1] = term.lastGapMask;
  });
  const maxLetters = Math.max(...terms.map((t) => t.letters));
  return { terms, starters, holders, stateWords, maxLetters, kept: new Map(), wordTerm, firstWord, lastBits, gapBits };
}

/**
 * Stepping one term alone costs about as much as this many state words in the dense loop: with
 * more terms under way than the state words over this, the dense loop is cheaper.
 */
const DENSE_RATIO = 8;

/** Character kinds: 1 a letter or digit, 2 a separator, 0 another; -1 not known yet (BMP cache). */
const bmpKinds = new Int8Array(0x10000).fill(-1);

function kindOf(c: number): number {
  let k = c < 0x10000 ? bmpKinds[c]! : -1;
  if (k === -1) {
    const x = String.fromCodePoint(c);
    k = WORD.test(x) ? 1 : GAP.test(x) ? 2 : 0;
    if (c < 0x10000) bmpKinds[c] = k;
  }
  return k;
}

/** The bits of every term's positions whose class holds `x`, over all state words. */
function masksOf(set: TermSet, x: number): Int32Array {
  const all = new Int32Array(set.stateWords);
  for (const t of set.holders.get(x) ?? []) {
    const term = set.terms[t]!;
    const mask = term.masks.get(x)!;
    for (let w = 0; w < term.words; w++) all[term.offset + w] = mask[w]!;
  }
  return all;
}

/** Characters whose state masks a term set keeps (each `stateWords` words: at most 16 KB). */
const KEPT_MASKS = 64;

const [S, E, I, N, G_, D, R_] = codePoints('seingdr');

/** The suffix states after reading `x`, from the states before it (`last`: at the last letter). */
function nextSuffix(suffix: number, last: boolean, x: number): number {
  let next = 0;
  if (last) {
    if (x === S) next |= SUF_DONE;
    else if (x === E) next |= SUF_E;
    else if (x === I) next |= SUF_I;
  }
  if (suffix & SUF_E) {
    if (x === S || x === D) next |= SUF_DONE;
    else if (x === R_) next |= SUF_ER;
  }
  if (suffix & SUF_ER && x === S) next |= SUF_DONE;
  if (suffix & SUF_I && x === N) next |= SUF_IN;
  if (suffix & SUF_IN && x === G_) next |= SUF_DONE;
  return next;
}

/** True when a folded text holds one of the terms as a whole word. */
export function matchTermSet(set: TermSet, text: string): boolean {
  const scan = new Scan(set);
  const chars = new Int32Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    chars[length++] = c;
    if (c > 0xffff) i++;
  }
  // How long the text has repeated itself with period p, for p up to MAX_PERIOD.
  const same = new Int32Array(MAX_PERIOD + 1);
  const settled = 2 * set.maxLetters + 4;
  let tracking = false;
  for (let i = 0; i < length; ) {
    if (scan.idle()) {
      // Nothing under way: reading costs little, and repetitions are counted again from here.
      if (tracking) same.fill(0);
      tracking = false;
      if (scan.read(chars[i]!)) return true;
      i++;
      continue;
    }
    tracking = true;
    const p = settledPeriod(same, settled);
    if (p !== 0 && repeats(chars, i, p, length)) {
      i += p;
      continue;
    }
    const x = chars[i]!;
    for (let q = 1; q <= MAX_PERIOD; q++) same[q] = i >= q && chars[i - q] === x ? same[q]! + 1 : 0;
    if (scan.read(x)) return true;
    i++;
  }
  return scan.accepting();
}

/**
 * Repetitions skipped: once a text has repeated a unit of p characters for `settled` times
 * (twice the longest term's letters, and a few), reading the unit again leaves every state as it
 * was: each position only moves forward along its term, so after that many units all have
 * settled. Crafted comments ("* * * * ...", "1111...") then cost what a short one does.
 */
const MAX_PERIOD = 6;

/** The smallest period the text has repeated long enough to skip, or 0. */
function settledPeriod(same: Int32Array, settled: number): number {
  for (let p = 1; p <= MAX_PERIOD; p++) if (same[p]! >= p * settled) return p;
  return 0;
}

/** Whether `chars[i..i+p)` repeats the `p` characters before it. */
function repeats(chars: Int32Array, i: number, p: number, length: number): boolean {
  if (i + p > length) return false;
  for (let k = i; k < i + p; k++) if (chars[k] !== chars[k - p]) return false;
  return true;
}

/**
 * The state of one pass over a text. While few terms are under way, only those are stepped
 * (sparse); when many are, every state word is stepped in one loop (dense), which costs less
 * per term and needs no start bookkeeping.
 */
class Scan {
  private readonly R: Int32Array;
  private readonly G: Int32Array;
  private readonly suffix: Uint8Array;
  private readonly isActive: Uint8Array;
  /** Sparse: the terms under way. Dense: unused. */
  private active: number[] = [];
  private next: number[] = [];
  /** Dense: the terms with suffix states. */
  private suffixed: number[] = [];
  private dense = false;
  /** Per character of this text beyond those the set keeps, built when first needed. */
  private readonly masks = new Map<number, Int32Array>();
  private prevWord = false;

  constructor(private readonly set: TermSet) {
    this.R = new Int32Array(set.stateWords);
    this.G = new Int32Array(set.stateWords);
    this.suffix = new Uint8Array(set.terms.length);
    this.isActive = new Uint8Array(set.terms.length);
  }

  /** Whether no term is under way. */
  idle(): boolean {
    return !this.dense && this.active.length === 0;
  }

  /** Reads one character; true when a term ended just before it. */
  read(x: number): boolean {
    const kind = kindOf(x);
    const word = kind === 1;
    const start = !this.prevWord;
    this.prevWord = word;
    if (this.dense) return this.readDense(x, word, kind === 2, start);
    if (this.active.length > 0 && this.readSparse(x, word, kind === 2)) return true;
    if (start) this.wake(x);
    if (this.active.length * DENSE_RATIO > this.set.stateWords) this.toDense();
    return false;
  }

  /** Whether a term ends at the end of the text. */
  accepting(): boolean {
    const { R } = this;
    const { lastBits } = this.set;
    for (let o = 0; o < R.length; o++) if (R[o]! & lastBits[o]!) return true;
    return this.suffix.some((s) => (s & SUF_ACCEPT) !== 0);
  }

  private masksOf(x: number): Int32Array {
    const kept = this.set.kept;
    let M = kept.get(x) ?? this.masks.get(x);
    if (!M) {
      M = masksOf(this.set, x);
      if (kept.size < KEPT_MASKS) kept.set(x, M);
      else this.masks.set(x, M);
    }
    return M;
  }

  private readSparse(x: number, word: boolean, gap: boolean): boolean {
    const { R, G, suffix, isActive, next } = this;
    const M = this.masksOf(x);
    next.length = 0;
    for (const t of this.active) {
      const term = this.set.terms[t]!;
      const lastWord = term.offset + term.words - 1;
      const last = (R[lastWord]! & term.lastBit) !== 0;
      if (!word && (last || suffix[t]! & SUF_ACCEPT)) return true;
      let alive = 0;
      let carry = 0;
      for (let o = term.offset; o <= lastWord; o++) {
        const r = R[o]!;
        const both = r | G[o]!;
        const nr = (r | (both << 1) | carry) & M[o]!;
        const ng = gap ? both & (o === lastWord ? term.lastGapMask : -1) : 0;
        carry = both >>> 31;
        R[o] = nr;
        G[o] = ng;
        alive |= nr | ng;
      }
      const s = suffix[t]! !== 0 || last ? nextSuffix(suffix[t]!, last, x) : 0;
      suffix[t] = s;
      if (alive !== 0 || s !== 0) next.push(t);
      else isActive[t] = 0;
    }
    this.next = this.active;
    this.active = next;
    return false;
  }

  /** Starts the terms whose first letter `x` may be. */
  private wake(x: number): void {
    for (const t of this.set.starters.get(x) ?? []) {
      this.R[this.set.terms[t]!.offset]! |= 1;
      if (!this.isActive[t]) {
        this.isActive[t] = 1;
        this.active.push(t);
      }
    }
  }

  private toDense(): void {
    this.dense = true;
    this.suffixed = this.active.filter((t) => this.suffix[t] !== 0);
  }

  private toSparse(): void {
    const { R, G, isActive } = this;
    const { wordTerm } = this.set;
    this.dense = false;
    isActive.fill(0);
    this.active = [];
    for (const t of this.suffixed) {
      isActive[t] = 1;
      this.active.push(t);
    }
    for (let o = 0; o < R.length; o++) {
      const t = wordTerm[o]!;
      if ((R[o]! | G[o]!) !== 0 && !isActive[t]) {
        isActive[t] = 1;
        this.active.push(t);
      }
    }
  }

  private readDense(x: number, word: boolean, gap: boolean, start: boolean): boolean {
    const { R, G } = this;
    const { firstWord, lastBits, gapBits, stateWords } = this.set;
    if (!word) {
      for (let o = 0; o < stateWords; o++) if (R[o]! & lastBits[o]!) return true;
      for (const t of this.suffixed) if (this.suffix[t]! & SUF_ACCEPT) return true;
    }
    this.stepSuffixes(x);
    const M = this.masksOf(x);
    const cin = start ? 1 : 0;
    let carry = 0;
    let alive = 0;
    for (let o = 0; o < stateWords; o++) {
      const r = R[o]!;
      const both = r | G[o]!;
      const nr = (r | (both << 1) | (firstWord[o] ? cin : carry)) & M[o]!;
      const ng = gap ? both & gapBits[o]! : 0;
      carry = both >>> 31;
      R[o] = nr;
      G[o] = ng;
      if ((nr | ng) !== 0) alive++;
    }
    if (alive * DENSE_RATIO * 4 < this.set.stateWords) this.toSparse();
    return false;
  }

  /** Dense: the suffix states after `x`, from the letter states before it. */
  private stepSuffixes(x: number): void {
    const { suffix, R } = this;
    const stepped: [number, number][] = [];
    for (const t of this.suffixed) {
      const s = nextSuffix(suffix[t]!, false, x);
      suffix[t] = 0;
      if (s !== 0) stepped.push([t, s]);
    }
    if (x === S || x === E || x === I) {
      const { lastBits, wordTerm } = this.set;
      const s = nextSuffix(0, true, x);
      for (let o = 0; o < R.length; o++) if (R[o]! & lastBits[o]!) stepped.push([wordTerm[o]!, s]);
    }
    this.suffixed = [];
    for (const [t, s] of stepped) {
      if (suffix[t] === 0) this.suffixed.push(t);
      suffix[t]! |= s;
    }
  }
}
