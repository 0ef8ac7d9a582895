/**
 * The blocked-terms matcher of `rules.ts`, without a regular expression: a term is a sequence of
 * letter classes (each letter with its leetspeak forms), each class read one or more times, with
 * separators allowed between classes, then an optional plural ending (-s, -es), as a whole word.
 * Between the words of a multi-word term the separators may not hold a sentence break (`.`, `;`
 * or `:` followed by a space, or a line break): "not bad. word" is not "bad word". A glued set
 * (`compileTermSet(terms, { glued: true })`) finds a term anywhere, also inside a longer token
 * ("xxidiotxx"), with no space inside its words. The text
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
const SPACE = /\s/u;
/** A line break ends a sentence by itself; a sentence mark does when a space follows it. */
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/u;
const SENTENCE_MARK = /[.;:]/u;

/**
 * Suffix states after the last letter: "e", and a complete plural ending ("s", "es"). Only the
 * plural is allowed: other endings make other words ("wording" is not "word"); an owner lists them.
 */
const SUF_E = 1;
const SUF_DONE = 2;
const SUF_ACCEPT = SUF_DONE;

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

/** How a set matches. */
export interface TermSetOptions {
  /** Find terms anywhere, also inside longer tokens, with no space inside a word of a term. */
  glued?: boolean;
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
  /** Per state word: the bits of letters that end a word of their term with another after it. */
  boundaryBits: Int32Array;
  /** See `TermSetOptions.glued`. */
  glued: boolean;
}

/** The code points of a string. */
function codePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0)!);
}

/** The letters of a folded term (its letters and digits, by code point), and where its words end. */
function letters(term: string): { chars: string[]; ends: number[] } {
  const chars: string[] = [];
  const ends: number[] = [];
  for (const c of term) {
    if (WORD.test(c)) chars.push(c);
    else if (chars.length > 0 && ends.at(-1) !== chars.length - 1) ends.push(chars.length - 1);
  }
  // The end of the last word is no boundary: nothing of the term follows it.
  if (ends.at(-1) === chars.length - 1) ends.pop();
  return { chars, ends };
}

/** Compiles folded terms; null when none has a letter or digit. */
export function compileTermSet(folded: readonly string[], options: TermSetOptions = {}): TermSet | null {
  const terms: Term[] = [];
  const starters = new Map<number, number[]>();
  const holders = new Map<number, number[]>();
  const boundaries: number[][] = [];
  let stateWords = 0;
  for (const term of folded) {
    const { chars, ends } = letters(term);
    if (chars.length === 0) continue;
    boundaries.push(ends);
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
  const boundaryBits = new Int32Array(stateWords);
  terms.forEach((term, t) => {
    wordTerm.fill(t, term.offset, term.offset + term.words);
    firstWord[term.offset] = 1;
    lastBits[term.offset + term.words - 1] = term.lastBit;
    gapBits[term.offset + term.words - 1] = term.lastGapMask;
    for (const k of boundaries[t]!) boundaryBits[term.offset + (k >>> 5)]! |= 1 << (k & 31);
  });
  const maxLetters = Math.max(...terms.map((t) => t.letters));
  return {
    terms,
    starters,
    holders,
    stateWords,
    maxLetters,
    kept: new Map(),
    wordTerm,
    firstWord,
    lastBits,
    gapBits,
    boundaryBits,
    glued: options.glued === true,
  };
}

/**
 * Stepping one term alone costs about as much as this many state words in the dense loop: with
 * more terms under way than the state words over this, the dense loop is cheaper.
 */
const DENSE_RATIO = 8;

/** Character kinds: 0 another, 1 a letter or digit; separators: */
const OTHER = 0;
const LETTER = 1;
/** A punctuation separator. */
const PUNCT = 2;
/** A sentence mark (`.`, `;`, `:`): ends a sentence when a space follows. */
const MARK = 3;
const SPACE_KIND = 4;
const LINE_KIND = 5;
/** Kinds by BMP code point; -1 not known yet. */
const bmpKinds = new Int8Array(0x10000).fill(-1);

function kindOf(c: number): number {
  let k = c < 0x10000 ? bmpKinds[c]! : -1;
  if (k === -1) {
    const x = String.fromCodePoint(c);
    if (WORD.test(x)) k = LETTER;
    else if (!GAP.test(x)) k = OTHER;
    else if (LINE_BREAK.test(x)) k = LINE_KIND;
    else if (SPACE.test(x)) k = SPACE_KIND;
    else k = SENTENCE_MARK.test(x) ? MARK : PUNCT;
    if (c < 0x10000) bmpKinds[c] = k;
  }
  return k;
}

/**
 * What a separator keeps of the gap states: all; all but those between words (a sentence
 * break); only those (a space in a glued set); none (a sentence break in a glued set).
 */
const KEEP_ALL = 0;
const KEEP_INSIDE = 1;
const KEEP_BETWEEN = 2;
const KEEP_NONE = 3;

/** The gap states a separator keeps in one state word. */
function gapKeep(gapBits: number, boundary: number, keep: number): number {
  if (keep === KEEP_ALL) return gapBits;
  if (keep === KEEP_NONE) return 0;
  return gapBits & (keep === KEEP_INSIDE ? ~boundary : boundary);
}

/** What a separator of `kind` keeps, after a sentence mark or not. */
function keepOf(kind: number, afterMark: boolean, glued: boolean): number {
  const sentenceBreak = kind === LINE_KIND || (kind === SPACE_KIND && afterMark);
  if (sentenceBreak) return glued ? KEEP_NONE : KEEP_INSIDE;
  return glued && kind === SPACE_KIND ? KEEP_BETWEEN : KEEP_ALL;
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

const [S, E] = codePoints('se');

/** The suffix states after reading `x`, from the states before it (`last`: at the last letter). */
function nextSuffix(suffix: number, last: boolean, x: number): number {
  let next = 0;
  if (last) {
    if (x === S) next |= SUF_DONE;
    else if (x === E) next |= SUF_E;
  }
  if (suffix & SUF_E && x === S) next |= SUF_DONE;
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
  /** Whether the previous character was a sentence mark. */
  private prevMark = false;

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

  /** Reads one character; true when a term ended just before it (glued: with it). */
  read(x: number): boolean {
    const kind = kindOf(x);
    const word = kind === LETTER;
    const gap = kind >= PUNCT;
    const start = !this.prevWord || this.set.glued;
    const keep = keepOf(kind, this.prevMark, this.set.glued);
    this.prevWord = word;
    this.prevMark = kind === MARK;
    if (this.dense) return this.readDense(x, word, gap, keep, start);
    if (this.active.length > 0 && this.readSparse(x, word, gap, keep)) return true;
    if (start && this.wake(x)) return true;
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

  private readSparse(x: number, word: boolean, gap: boolean, keep: number): boolean {
    const { R, G, suffix, isActive, next } = this;
    const { gapBits, boundaryBits, glued } = this.set;
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
        const ng = gap ? both & gapKeep(gapBits[o]!, boundaryBits[o]!, keep) : 0;
        carry = both >>> 31;
        R[o] = nr;
        G[o] = ng;
        alive |= nr | ng;
      }
      if (glued && R[lastWord]! & term.lastBit) return true;
      const s = !glued && (suffix[t]! !== 0 || last) ? nextSuffix(suffix[t]!, last, x) : 0;
      suffix[t] = s;
      if (alive !== 0 || s !== 0) next.push(t);
      else isActive[t] = 0;
    }
    this.next = this.active;
    this.active = next;
    return false;
  }

  /** Starts the terms whose first letter `x` may be; true when one is a single letter of a glued set. */
  private wake(x: number): boolean {
    for (const t of this.set.starters.get(x) ?? []) {
      const term = this.set.terms[t]!;
      if (this.set.glued && term.letters === 1) return true;
      this.R[term.offset]! |= 1;
      if (!this.isActive[t]) {
        this.isActive[t] = 1;
        this.active.push(t);
      }
    }
    return false;
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

  private readDense(x: number, word: boolean, gap: boolean, keep: number, start: boolean): boolean {
    const { R, G } = this;
    const { firstWord, lastBits, gapBits, boundaryBits, stateWords, glued } = this.set;
    if (!word) {
      for (let o = 0; o < stateWords; o++) if (R[o]! & lastBits[o]!) return true;
      for (const t of this.suffixed) if (this.suffix[t]! & SUF_ACCEPT) return true;
    }
    if (!glued) this.stepSuffixes(x);
    const M = this.masksOf(x);
    const cin = start ? 1 : 0;
    let carry = 0;
    let alive = 0;
    let ended = false;
    for (let o = 0; o < stateWords; o++) {
      const r = R[o]!;
      const both = r | G[o]!;
      const nr = (r | (both << 1) | (firstWord[o] ? cin : carry)) & M[o]!;
      const ng = gap ? both & gapKeep(gapBits[o]!, boundaryBits[o]!, keep) : 0;
      carry = both >>> 31;
      R[o] = nr;
      G[o] = ng;
      if ((nr | ng) !== 0) alive++;
      if (nr & lastBits[o]!) ended = true;
    }
    if (glued && ended) return true;
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
    if (x === S || x === E) {
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
