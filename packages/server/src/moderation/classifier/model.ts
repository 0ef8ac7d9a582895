/**
 * A linear text classifier (multinomial logistic regression over hashed n-grams), as stored in
 * a model file and used at serving time. Training lives in `train.ts`; this file only predicts,
 * so the server loads a model once and scores a comment in microseconds.
 */
import { readFileSync } from 'node:fs';
import { type Counts, countFeatures, type FeatureConfig, type SparseVector, weigh } from './features.js';

/**
 * The JSON shape of a model file. Weights and IDF are stored as little-endian int16 in base64,
 * each row with its own scale (value = int * scale): a third of the size of float32 text, and the
 * rounding (1/65535 of the row's largest weight) moves no prediction measurably. Evaluation
 * always reads the stored file, so the published figures are those of the quantised model.
 */
export interface ModelFile {
  format: 'livecomments-linear/1';
  /** Class names, in the order of the weight rows. */
  labels: string[];
  features: FeatureConfig;
  /** Per-bucket IDF weights, or null when not used. */
  idf: QuantizedRows | null;
  /** K rows of 2^bits weights, row-major. */
  weights: QuantizedRows;
  /** Per-class bias. */
  bias: number[];
  /**
   * Per-class offsets added to the scores when picking a class (`classify`), tuned by
   * cross-validation on the training data; absent means none. Probabilities ignore them.
   */
  offsets?: number[];
  /** Where the model came from: data, options, scores at training time. */
  meta: Record<string, unknown>;
}

/** Rows of numbers as int16 (base64) with one scale per row. */
export interface QuantizedRows {
  rows: number;
  scales: number[];
  int16: string;
}

/** A loaded model that scores texts. */
export class LinearModel {
  readonly labels: string[];
  readonly features: FeatureConfig;
  readonly idf: Float32Array | null;
  /**
   * The weights bucket by bucket as int16 (the model file's own precision), each bucket's IDF
   * first when there is one, then its K class weights side by side: scoring a feature reads one
   * cache line of 4-8 bytes instead of a float IDF and K float weights in two places. The whole
   * table is half the size of float32 (1.5-2 MB instead of 3-4 MB), so more of it stays in cache.
   * Value = int * the row's scale (`scales`, `idfScale`).
   */
  private readonly packed: Int16Array;
  /** Entries per bucket in `packed`: K, plus one when there is an IDF. */
  private readonly stride: number;
  private readonly scales: Float64Array;
  private readonly idfScale: number;
  readonly bias: Float64Array;
  /** Decision offsets per class (see `ModelFile.offsets`). */
  readonly offsets: Float64Array;
  readonly meta: Record<string, unknown>;
  private readonly dim: number;
  /** Scratch scores, reused (scoring is synchronous). */
  private readonly zWords: Float64Array;
  private readonly zRest: Float64Array;

  constructor(init: {
    labels: string[];
    features: FeatureConfig;
    idf: Float32Array | null;
    weights: Float32Array;
    bias: ArrayLike<number>;
    offsets?: ArrayLike<number>;
    meta?: Record<string, unknown>;
  }) {
    this.labels = init.labels;
    this.features = init.features;
    this.idf = init.idf;
    this.bias = Float64Array.from(init.bias);
    this.offsets = init.offsets ? Float64Array.from(init.offsets) : new Float64Array(init.labels.length);
    this.meta = init.meta ?? {};
    this.dim = 1 << init.features.bits;
    const k = init.labels.length;
    if (init.weights.length !== k * this.dim) throw new Error('model weights do not fit its labels');
    if (init.idf && init.idf.length !== this.dim) throw new Error('model IDF does not fit its buckets');
    const first = init.idf ? 1 : 0;
    this.stride = k + first;
    this.packed = new Int16Array(this.dim * this.stride);
    this.scales = new Float64Array(k);
    for (let c = 0; c < k; c++)
      this.scales[c] = packRow(init.weights, c * this.dim, this.dim, this.packed, first + c, this.stride);
    this.idfScale = init.idf ? packRow(init.idf, 0, this.dim, this.packed, 0, this.stride) : 1;
    this.zWords = new Float64Array(k);
    this.zRest = new Float64Array(k);
  }

  /** The text as the model's feature vector. */
  vectorize(text: string): SparseVector {
    return weigh(countFeatures(text, this.features), this.idf, this.features.blockNorm);
  }

  /** Class probabilities (softmax) for a vector, in `labels` order. */
  probabilitiesOf(x: SparseVector): number[] {
    const k = this.labels.length;
    const z = new Array<number>(k).fill(0);
    const w = this.packed;
    const stride = this.stride;
    const first = stride - k;
    for (let i = 0; i < x.index.length; i++) {
      const off = x.index[i]! * stride + first;
      const v = x.value[i]!;
      for (let c = 0; c < k; c++) z[c] = z[c]! + w[off + c]! * v;
    }
    for (let c = 0; c < k; c++) z[c] = z[c]! * this.scales[c]! + this.bias[c]!;
    return softmax(z);
  }

  /** Counts of a text under this model's features (share them between models with equal features). */
  count(text: string): Counts {
    return countFeatures(text, this.features);
  }

  /** Class probabilities for a text (or its counts), by label. */
  predict(text: string | Counts): Record<string, number> {
    const p = this.probabilitiesOfCounts(typeof text === 'string' ? this.count(text) : text);
    const out: Record<string, number> = {};
    for (let c = 0; c < p.length; c++) out[this.labels[c]!] = p[c]!;
    return out;
  }

  /**
   * Class probabilities from raw counts: `weigh` and `probabilitiesOf` in one pass, without the
   * intermediate vector (the serving path; the same numbers up to rounding).
   */
  probabilitiesOfCounts(counts: Counts): number[] {
    const k = this.labels.length;
    // Scores and squared norms of the word block (before `split`) and the rest, scaled at the end.
    const split = this.features.blockNorm ? (counts.wordFeatures ?? 0) : 0;
    const zWords = this.zWords.fill(0);
    const zRest = this.zRest.fill(0);
    const w = this.packed;
    const stride = this.stride;
    const hasIdf = this.idf !== null;
    const first = hasIdf ? 1 : 0;
    const idfScale = this.idfScale;
    const buckets = counts.buckets;
    const tf = counts.counts;
    let nWords = 0;
    let nRest = 0;
    for (let i = 0; i < buckets.length; i++) {
      const off = buckets[i]! * stride;
      const t = tf[i]!;
      let v = t === 1 ? 1 : 1 + Math.log(t);
      if (hasIdf) v *= w[off]! * idfScale;
      const z = i < split ? zWords : zRest;
      if (i < split) nWords += v * v;
      else nRest += v * v;
      for (let c = 0; c < k; c++) z[c] = z[c]! + w[off + first + c]! * v;
    }
    let sWords = 0;
    let sRest = 0;
    if (this.features.blockNorm) {
      const both = nWords > 0 && nRest > 0 ? Math.SQRT1_2 : 1;
      sWords = nWords > 0 ? both / Math.sqrt(nWords) : 0;
      sRest = nRest > 0 ? both / Math.sqrt(nRest) : 0;
    } else sRest = nRest > 0 ? 1 / Math.sqrt(nRest) : 0;
    const z = new Array<number>(k);
    for (let c = 0; c < k; c++) z[c] = (zWords[c]! * sWords + zRest[c]! * sRest) * this.scales[c]! + this.bias[c]!;
    return softmax(z);
  }

  /** The label of a text: the most probable one, after the decision offsets. */
  classify(text: string): string {
    return this.labels[decideClass(this.probabilitiesOf(this.vectorize(text)), this.offsets)]!;
  }

  /** The model as its JSON file shape. Buckets no training text touched stay zero. */
  toJSON(): ModelFile {
    return {
      format: 'livecomments-linear/1',
      labels: this.labels,
      features: this.features,
      idf: this.idf ? quantize(this.idf, 1) : null,
      weights: quantize(this.weightRows(), this.labels.length),
      bias: Array.from(this.bias),
      ...(this.offsets.some((o) => o !== 0) ? { offsets: Array.from(this.offsets) } : {}),
      meta: this.meta,
    };
  }

  /** The class weights as K row-major rows of 2^bits (the constructor's shape). */
  private weightRows(): Float32Array {
    const k = this.labels.length;
    const first = this.stride - k;
    const out = new Float32Array(k * this.dim);
    for (let c = 0; c < k; c++)
      for (let j = 0; j < this.dim; j++)
        out[c * this.dim + j] = this.packed[j * this.stride + first + c]! * this.scales[c]!;
    return out;
  }

  /** Reads a model from its JSON shape. */
  static fromJSON(file: ModelFile): LinearModel {
    if (file.format !== 'livecomments-linear/1') throw new Error(`unknown model format ${String(file.format)}`);
    return new LinearModel({
      labels: file.labels,
      features: file.features,
      idf: file.idf ? dequantize(file.idf) : null,
      weights: dequantize(file.weights),
      bias: file.bias,
      offsets: file.offsets,
      meta: file.meta,
    });
  }

  /** Loads a model file from disk (synchronous: done once at start). */
  static load(path: string): LinearModel {
    return LinearModel.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
  }
}

/** Softmax of scores, in place. */
function softmax(z: number[]): number[] {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  for (let c = 0; c < z.length; c++) z[c] = z[c]! / sum;
  return z;
}

/**
 * Writes `n` values of `from` (starting at `start`) as int16 into every `stride`-th place of `to`
 * (from `at`), scaled so that the largest magnitude is 32767; returns the scale (value = int * scale).
 * For values read from a model file (int * scale already) this gives back the file's integers.
 */
function packRow(from: Float32Array, start: number, n: number, to: Int16Array, at: number, stride: number): number {
  let max = 0;
  for (let i = start; i < start + n; i++) max = Math.max(max, Math.abs(from[i]!));
  const scale = max === 0 ? 1 : max / 32767;
  for (let j = 0; j < n; j++) to[j * stride + at] = Math.round(from[start + j]! / scale);
  return scale;
}

/** The class with the highest log-probability plus its offset. */
export function decideClass(p: ArrayLike<number>, offsets: ArrayLike<number>): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < p.length; c++) {
    const score = Math.log(p[c]!) + (offsets[c] ?? 0);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

function quantize(values: Float32Array, rows: number): QuantizedRows {
  const width = values.length / rows;
  const ints = new Int16Array(values.length);
  const scales: number[] = [];
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * width; i < (r + 1) * width; i++) max = Math.max(max, Math.abs(values[i]!));
    const scale = max === 0 ? 1 : max / 32767;
    scales.push(scale);
    for (let i = r * width; i < (r + 1) * width; i++) ints[i] = Math.round(values[i]! / scale);
  }
  return { rows, scales, int16: Buffer.from(ints.buffer).toString('base64') };
}

function dequantize(q: QuantizedRows): Float32Array {
  const buf = Buffer.from(q.int16, 'base64');
  // Copy into a fresh, aligned buffer: a Buffer may start at any byte offset.
  const ints = new Int16Array(buf.byteLength / 2);
  new Uint8Array(ints.buffer).set(buf);
  const out = new Float32Array(ints.length);
  const width = ints.length / q.rows;
  for (let r = 0; r < q.rows; r++) {
    const scale = q.scales[r]!;
    for (let i = r * width; i < (r + 1) * width; i++) out[i] = ints[i]! * scale;
  }
  return out;
}
