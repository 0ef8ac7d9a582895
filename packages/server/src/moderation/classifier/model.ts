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
  /** Per-class bias, then per-class offset added at decision time (threshold tuning). */
  bias: number[];
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
  /** K * dim weights, row-major. */
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  readonly meta: Record<string, unknown>;
  private readonly dim: number;

  constructor(init: {
    labels: string[];
    features: FeatureConfig;
    idf: Float32Array | null;
    weights: Float32Array;
    bias: ArrayLike<number>;
    meta?: Record<string, unknown>;
  }) {
    this.labels = init.labels;
    this.features = init.features;
    this.idf = init.idf;
    this.weights = init.weights;
    this.bias = Float64Array.from(init.bias);
    this.meta = init.meta ?? {};
    this.dim = 1 << init.features.bits;
    if (this.weights.length !== this.labels.length * this.dim) throw new Error('model weights do not fit its labels');
  }

  /** The text as the model's feature vector. */
  vectorize(text: string): SparseVector {
    return weigh(countFeatures(text, this.features), this.idf);
  }

  /** Class probabilities (softmax) for a vector, in `labels` order. */
  probabilitiesOf(x: SparseVector): number[] {
    const k = this.labels.length;
    const z = new Array<number>(k);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = this.bias[c]!;
      const off = c * this.dim;
      for (let i = 0; i < x.index.length; i++) s += this.weights[off + x.index[i]!]! * x.value[i]!;
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[c] = Math.exp(z[c]! - max);
      sum += z[c]!;
    }
    for (let c = 0; c < k; c++) z[c] = z[c]! / sum;
    return z;
  }

  /** Counts of a text under this model's features (share them between models with equal features). */
  count(text: string): Counts {
    return countFeatures(text, this.features);
  }

  /** Class probabilities for a text (or its counts), by label. */
  predict(text: string | Counts): Record<string, number> {
    const x = typeof text === 'string' ? this.vectorize(text) : weigh(text, this.idf);
    const p = this.probabilitiesOf(x);
    const out: Record<string, number> = {};
    this.labels.forEach((label, c) => {
      out[label] = p[c]!;
    });
    return out;
  }

  /** The most probable label of a text. */
  classify(text: string): string {
    const p = this.probabilitiesOf(this.vectorize(text));
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    return this.labels[best]!;
  }

  /** The model as its JSON file shape. Buckets no training text touched stay zero. */
  toJSON(): ModelFile {
    return {
      format: 'livecomments-linear/1',
      labels: this.labels,
      features: this.features,
      idf: this.idf ? quantize(this.idf, 1) : null,
      weights: quantize(this.weights, this.labels.length),
      bias: Array.from(this.bias),
      meta: this.meta,
    };
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
      meta: file.meta,
    });
  }

  /** Loads a model file from disk (synchronous: done once at start). */
  static load(path: string): LinearModel {
    return LinearModel.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
  }
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
