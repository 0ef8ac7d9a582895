/**
 * Text to a sparse feature vector by the hashing trick: word n-grams and character n-grams are
 * hashed (FNV-1a) into a fixed number of buckets, so a model is a plain array of weights and
 * featurising needs no vocabulary. Counts are made sublinear (1 + ln tf), optionally weighted by
 * an IDF vector learnt at training time, and the vector is scaled to unit length.
 */

import { readChat } from '../chat-reading.js';
import { structureCues } from './structure.js';

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
  /**
   * Read the folded text (`chat-reading.ts`: case, accents, compatibility forms, look-alike
   * letters), as the AutoMod rules do, so that disguised letters read as letters. Absent: the
   * text as written (lower-cased).
   */
  fold?: boolean;
  /**
   * Add the chat-structure cues (`structure.ts`): self-promotion ("my channel"), calls to act
   * ("subscribe", "check out"), money, off-platform contact, and each link's host and TLD. They
   * are what spam of any year shares, where its words change with the year.
   */
  structure?: boolean;
  /** What one cue counts for, against an n-gram seen once (default 1). */
  cueWeight?: number;
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

/**
 * The cleaned text a model reads (`preprocess`), of the folded reading when the features ask for
 * it; `folded` is that reading when the caller has it already (the pipeline folds every comment
 * once for its rules).
 */
export function modelText(raw: string, cfg: FeatureConfig, folded?: string): string {
  return preprocess(cfg.fold ? (folded ?? readChat(raw).folded) : raw);
}

/** Term counts by bucket of one text, before weighting: parallel arrays. */
export interface Counts {
  buckets: Uint32Array;
  counts: Float64Array;
  /** How many of `buckets` (from the start) came from word n-grams. */
  wordFeatures?: number;
  /**
   * How many of `buckets` (from the start) are scaled to unit length; the rest are structure
   * cues, each worth `FeatureConfig.cueWeight` whatever the length of the text. Absent: all.
   */
  scaled?: number;
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

/** Hash seeds of the word n-gram orders (`w1`, `w2`, ...), made once. */
const WORD_SEEDS: number[] = [];
function wordSeed(n: number): number {
  let seed = WORD_SEEDS[n];
  if (seed === undefined) {
    seed = fnv(FNV_OFFSET, `w${n}`);
    WORD_SEEDS[n] = seed;
  }
  return seed;
}

/** Buckets of the counting in progress: the mask, the table, the output and its length. */
let bucketMask = 0;
let found = 0;

/** Counts hash `h` once: a new bucket goes to the end of the output, a known one adds to its count. */
function add(h: number): void {
  const b = mix(h) & bucketMask;
  const keys = slotKey;
  const slotMask = keys.length - 1;
  let s = b & slotMask;
  let key = keys[s]!;
  while (key !== 0 && key !== b + 1) {
    s = (s + 1) & slotMask;
    key = keys[s]!;
  }
  if (key === 0) {
    keys[s] = b + 1;
    slotPos[s] = found;
    outBuckets[found] = b;
    outCounts[found++] = 1;
  } else outCounts[slotPos[s]!]!++;
}

/** Appends a structure cue: one feature of its own, outside the table and the unit scaling. */
function addCue(name: string): void {
  outBuckets[found] = mix(fnv(FNV_OFFSET, `cue:${name}`)) & bucketMask;
  outCounts[found++] = 1;
}

/**
 * Raw term counts by bucket for one text (before weighting). `text` is the cleaned text the model
 * reads (`modelText`), `raw` the comment as written (the caps cue reads it). One pass per kind
 * of feature over the text, into reused typed arrays; only the result is allocated.
 */
export function countFeatures(raw: string, cfg: FeatureConfig, text = modelText(raw, cfg)): Counts {
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
  bucketMask = (1 << cfg.bits) - 1;
  found = 0;
  const words = text.match(WORD_RE) ?? [];
  for (const n of cfg.wordNgrams) {
    const seed = wordSeed(n);
    for (let i = 0; i + n <= words.length; i++) {
      let h = seed;
      for (let j = 0; j < n; j++) h = fnv(fnv(h, words[i + j]!), ' ');
      add(h);
    }
  }
  const wordFeatures = found;
  if (cfg.charMax > 0) {
    if (cfg.charWordBounded) {
      for (const w of words) if (w.length > 1) addCharGrams(` ${w} `, cfg.charMin, cfg.charMax);
    } else addCharGrams(` ${text} `, cfg.charMin, cfg.charMax);
  }
  if (cfg.cues) addCues(raw, text, words);
  const scaled = found;
  if (cfg.structure) structureCues(text, words, addCue);
  // Empty the table by probing for each bucket again (cheaper than remembering slots).
  const keys = slotKey;
  const slotMask = keys.length - 1;
  for (let i = 0; i < scaled; i++) {
    const b = outBuckets[i]!;
    let s = b & slotMask;
    while (keys[s] !== b + 1) s = (s + 1) & slotMask;
    keys[s] = 0;
  }
  return { buckets: outBuckets.slice(0, found), counts: outCounts.slice(0, found), wordFeatures, scaled };
}

/** Character n-grams of orders `min` to `max` of `unit`, each start hashed once for all its orders. */
function addCharGrams(unit: string, min: number, max: number): void {
  const len = unit.length;
  for (let i = 0; i < len; i++) {
    let h = FNV_OFFSET;
    const last = Math.min(max, len - i);
    for (let n = 1; n <= last; n++) {
      h = Math.imul(h ^ unit.charCodeAt(i + n - 1), FNV_PRIME) >>> 0;
      if (n >= min) add(h ^ (n * 0x9e3779b1));
    }
  }
}

/** A few whole-text cues that n-grams see badly. */
function addCues(raw: string, text: string, words: string[]): void {
  if (text.includes('urltoken')) add(CUE_URL);
  if (shouting(raw)) add(CUE_CAPS);
  add(CUE_LENGTH[Math.min(8, Math.floor(Math.log2(1 + words.length)))]!);
  if (/\d{4,}/.test(text)) add(CUE_DIGITS);
}
const CUE_URL = fnv(FNV_OFFSET, 'cue:url');
const CUE_CAPS = fnv(FNV_OFFSET, 'cue:caps');
const CUE_DIGITS = fnv(FNV_OFFSET, 'cue:digits');
const CUE_LENGTH = Array.from({ length: 9 }, (_, i) => fnv(FNV_OFFSET, `cue:len:${i}`));

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
export function weigh(c: Counts, idf: Float32Array | null, blockNorm = false, cueWeight = 1): SparseVector {
  const all = c.buckets.length;
  const n = c.scaled ?? all;
  const index = new Uint32Array(all);
  const value = new Float32Array(all);
  for (let i = n; i < all; i++) {
    index[i] = c.buckets[i]!;
    value[i] = cueWeight;
  }
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
