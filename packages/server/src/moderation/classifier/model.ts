/**
 * A linear text classifier (multinomial logistic regression over hashed n-grams), as stored in
 * a model file and used at serving time. Training lives in `train.ts`; this file only predicts,
 * so the server loads a model once and scores a comment in microseconds.
 */
import { readFileSync } from 'node:fs';
import { countFeatures, type FeatureConfig, type SparseVector, weigh } from './features.js';

/** The JSON shape of a model file. Weights are little-endian float32 in base64. */
export interface ModelFile {
  format: 'livecomments-linear/1';
  /** Class names, in the order of the weight rows. */
  labels: string[];
  features: FeatureConfig;
  /** Per-bucket IDF weights (base64 float32), or null when not used. */
  idf: string | null;
  /** K rows of 2^bits weights (base64 float32), row-major. */
  weights: string;
  /** Per-class bias, then per-class offset added at decision time (threshold tuning). */
  bias: number[];
  /** Where the model came from: data, options, scores at training time. */
  meta: Record<string, unknown>;
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

  /** Class probabilities for a text, by label. */
  predict(text: string): Record<string, number> {
    const p = this.probabilitiesOf(this.vectorize(text));
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
      idf: this.idf ? toBase64(this.idf) : null,
      weights: toBase64(this.weights),
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
      idf: file.idf ? fromBase64(file.idf) : null,
      weights: fromBase64(file.weights),
      bias: file.bias,
      meta: file.meta,
    });
  }

  /** Loads a model file from disk (synchronous: done once at start). */
  static load(path: string): LinearModel {
    return LinearModel.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
  }
}

function toBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  // Copy into a fresh, aligned buffer: Buffer slices may start at any byte offset.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
