/**
 * Text to a sparse feature vector by the hashing trick: word n-grams and character n-grams are
 * hashed (FNV-1a) into a fixed number of buckets, so a model is a plain array of weights and
 * featurising needs no vocabulary. Counts are made sublinear (1 + ln tf), optionally weighted by
 * an IDF vector learnt at training time, and the vector is scaled to unit length.
 */

/** How a text becomes features. Stored in the model file so training and serving agree. */
export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Word n-gram orders, e.g. [1, 2]. */
  wordNgrams: number[];
  /** Smallest and largest character n-gram, 0 for none. */
  charMin: number;
  charMax: number;
  /** Character n-grams only inside words (padded with spaces), as scikit-learn's `char_wb`. */
  charWordBounded: boolean;
  /** Add a few dense cues (links, length, digits, caps share) as extra features. */
  cues: boolean;
  /**
   * Scale the word n-grams and the rest (character n-grams, cues) to unit length each, then the
   * whole, as stacking a word and a character vectorizer does; otherwise the many character
   * n-grams of a text drown its few words. Absent: one scale for all.
   */
  blockNorm?: boolean;
}

/** A sensible default for short comments. */
export const DEFAULT_FEATURES: FeatureConfig = {
  bits: 18,
  wordNgrams: [1, 2],
  charMin: 2,
  charMax: 5,
  charWordBounded: false,
  cues: true,
};

/** A sparse vector: bucket indices and their values (same length, indices distinct). */
export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
// Labels bounded (DNS allows 63 characters): unbounded, "a.b.a.b..." cost the square of its length.
const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,9}\.(?:com|net|org|info|biz|ly|me|tv|co|io|us|uk|de|ru|gl|be|to|tk)\b(?:\/[^\s<>"']*)?/giu;
const WORD_RE = /[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_']/gu;

/**
 * Cleans raw text the way comments and tweets need: HTML entities and tags out (the `href` of a
 * link is kept), byte-order marks out, links folded to a `urltoken` plus their host, mentions to
 * `mentiontoken`, all lower case.
 */
export function preprocess(raw: string): string {
  let text = raw.includes('\uFEFF') ? raw.replace(/\uFEFF/g, '') : raw;
  // Each rewrite runs only when its trigger character is there: most comments have none.
  if (text.includes('<')) {
    // An anchor ends at the next "<" or ">": "[^>]*href=" rescanned the rest from every "<a ".
    text = text.replace(/<a\s[^<>]*>/gi, anchorHref).replace(/<[^>]{1,200}>/g, ' ');
  }
  if (text.includes('&')) text = decodeEntities(text);
  text = text.toLowerCase();
  if (text.includes('.')) text = text.replace(URL_RE, urlToken);
  if (text.includes('@')) text = text.replace(/@[\p{L}\p{N}_]+/gu, ' mentiontoken ');
  return text.replace(/\s+/g, ' ').trim();
}

/** An anchor tag as its link (` href `), or unchanged when it has none (then removed as a tag). */
function anchorHref(tag: string): string {
  const href = /href="([^"]*)"/i.exec(tag);
  return href ? ` ${href[1]} ` : tag;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    }
    return ENTITY[name.toLowerCase()] ?? whole;
  });
}

function urlToken(url: string): string {
  const host = url
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .split(/[/?#]/)[0];
  return ` urltoken ${host ?? ''} `;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string's UTF-16 code units, continuing from `h`. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Final mixing so that close hashes spread over the buckets (murmur3 fmix32). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Term counts by bucket of one text, before weighting: parallel arrays. */
export interface Counts {
  buckets: Uint32Array;
  counts: Float64Array;
  /** How many of `buckets` (from the start) came from word n-grams. */
  wordFeatures?: number;
}

/**
 * Open-addressing table from a bucket to its place in the output, reused between texts (counting
 * is synchronous). A comment has a few hundred features: a table of a few thousand slots stays
 * in cache, where a 2^bits array made each feature a cache miss. Keys are bucket + 1 (0: empty).
 */
let slotKey = new Int32Array(4096);
let slotPos = new Int32Array(4096);
/** Scratch output, copied out at exact size: growing plain arrays made most of the garbage. */
let outBuckets = new Uint32Array(2048);
let outCounts = new Float64Array(2048);

/** Raw term counts by bucket for one text (before weighting). */
export function countFeatures(raw: string, cfg: FeatureConfig, text = preprocess(raw)): Counts {
  const mask = (1 << cfg.bits) - 1;
  // At most this many distinct features: keep the table at most half full.
  const most = (2 * text.length + 2) * (cfg.wordNgrams.length + Math.max(0, cfg.charMax - cfg.charMin + 1)) + 16;
  if (slotKey.length < 2 * most) {
    let size = slotKey.length;
    while (size < 2 * most) size *= 2;
    slotKey = new Int32Array(size);
    slotPos = new Int32Array(size);
    outBuckets = new Uint32Array(size / 2);
    outCounts = new Float64Array(size / 2);
  }
  const keys = slotKey;
  const pos = slotPos;
  const buckets = outBuckets;
  const counts = outCounts;
  let n = 0;
  const slotMask = keys.length - 1;
  const add = (h: number, by = 1) => {
    const b = mix(h) & mask;
    let s = b & slotMask;
    while (keys[s] !== 0 && keys[s] !== b + 1) s = (s + 1) & slotMask;
    if (keys[s] === 0) {
      keys[s] = b + 1;
      pos[s] = n;
      buckets[n] = b;
      counts[n++] = by;
    } else counts[pos[s]!]! += by;
  };
  const words = text.match(WORD_RE) ?? [];
  for (const n of cfg.wordNgrams) {
    const seed = fnv(FNV_OFFSET, `w${n}`);
    for (let i = 0; i + n <= words.length; i++) {
      let h = seed;
      for (let j = 0; j < n; j++) h = fnv(fnv(h, words[i + j]!), ' ');
      add(h);
    }
  }
  const wordFeatures = n;
  if (cfg.charMax > 0) {
    const units = cfg.charWordBounded ? words.filter((w) => w.length > 1).map((w) => ` ${w} `) : [` ${text} `];
    for (const unit of units) {
      for (let i = 0; i < unit.length; i++) {
        let h = FNV_OFFSET;
        for (let n = 1; n <= cfg.charMax && i + n <= unit.length; n++) {
          h = Math.imul(h ^ unit.charCodeAt(i + n - 1), FNV_PRIME) >>> 0;
          if (n >= cfg.charMin) add(h ^ (n * 0x9e3779b1));
        }
      }
    }
  }
  if (cfg.cues) addCues(raw, text, words, add);
  // Empty the table by probing for each bucket again (cheaper than remembering slots).
  for (let i = 0; i < n; i++) {
    const b = buckets[i]!;
    let s = b & slotMask;
    while (keys[s] !== b + 1) s = (s + 1) & slotMask;
    keys[s] = 0;
  }
  return { buckets: buckets.slice(0, n), counts: counts.slice(0, n), wordFeatures };
}

/** A few whole-text cues that n-grams see badly. */
function addCues(raw: string, text: string, words: string[], add: (h: number, by?: number) => void): void {
  const cue = (name: string, by = 1) => add(fnv(FNV_OFFSET, `cue:${name}`), by);
  if (text.includes('urltoken')) cue('url');
  if (shouting(raw)) cue('caps');
  cue(`len:${Math.min(8, Math.floor(Math.log2(1 + words.length)))}`);
  if (/\d{4,}/.test(text)) cue('digits');
}

/** The caps cue: at least 8 letters, more than 60% of them capitals (the only cue read from the raw text). */
export function shouting(raw: string): boolean {
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 128) {
      if (c >= 97 && c <= 122) letters++;
      else if (c >= 65 && c <= 90) {
        letters++;
        upper++;
      }
      continue;
    }
    const point = raw.codePointAt(i)!;
    if (point > 0xffff) i++;
    const ch = String.fromCodePoint(point);
    if (!LETTER_RE.test(ch)) continue;
    letters++;
    if (UPPER_RE.test(ch)) upper++;
  }
  return letters >= 8 && upper / letters > 0.6;
}
const LETTER_RE = /^\p{L}$/u;
const UPPER_RE = /^\p{Lu}$/u;

/** Turns counts into the weighted, unit-length vector a model reads (`blockNorm`: see `FeatureConfig`). */
export function weigh(c: Counts, idf: Float32Array | null, blockNorm = false): SparseVector {
  const n = c.buckets.length;
  const index = new Uint32Array(n);
  const value = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = c.buckets[i]!;
    index[i] = b;
    value[i] = (1 + Math.log(c.counts[i]!)) * (idf ? idf[b]! : 1);
  }
  if (blockNorm && c.wordFeatures !== undefined) {
    const blocks = [scaleToUnit(value, 0, c.wordFeatures), scaleToUnit(value, c.wordFeatures, n)];
    const nonEmpty = blocks.filter(Boolean).length;
    if (nonEmpty > 1) for (let k = 0; k < n; k++) value[k] = value[k]! * Math.SQRT1_2;
  } else scaleToUnit(value, 0, n);
  return { index, value };
}

/** Scales `value[from..to)` to unit length; false when it is empty or all zero. */
function scaleToUnit(value: Float32Array, from: number, to: number): boolean {
  let norm = 0;
  for (let k = from; k < to; k++) norm += value[k]! * value[k]!;
  if (norm === 0) return false;
  const s = 1 / Math.sqrt(norm);
  for (let k = from; k < to; k++) value[k] = value[k]! * s;
  return true;
}
