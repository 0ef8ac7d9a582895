/**
 * Trains a `LinearModel`: multinomial logistic regression with L2 regularisation, minimised by
 * L-BFGS over the hash buckets the training texts touch (a compact space, so memory follows the
 * data, not 2^bits). Deterministic: same data and options, same model.
 */
import {
  countFeatures,
  DEFAULT_FEATURES,
  type FeatureConfig,
  LinearModel,
  weigh,
} from '@livecomments/server/moderation';
import { minimize } from './lbfgs.js';
import { tuneOffsets } from './offsets.js';

/** One training text with its label (or a distribution over labels, e.g. annotator votes). */
export interface TrainExample {
  text: string;
  label: string;
  /** Optional soft target by label, summing to 1; the hard `label` is used when absent. */
  soft?: Record<string, number>;
  /** Optional weight of this example (default 1). */
  weight?: number;
}

/** Training options. */
export interface TrainOptions {
  features: FeatureConfig;
  /** Inverse regularisation strength, as scikit-learn's `C`. */
  c: number;
  /** Weigh classes inversely to their frequency. */
  balanced: boolean;
  /** Scale IDF into the features. */
  idf: boolean;
  maxIterations: number;
  /** Class order; defaults to the sorted distinct labels. */
  labels?: string[];
  /**
   * Tune decision offsets (`offsets.ts`) on out-of-fold predictions of this many folds of the
   * examples (example i is in fold i mod n); 0 or absent: none.
   */
  tuneFolds?: number;
}

/** Defaults that suit comment-length texts. */
export const DEFAULT_TRAIN: TrainOptions = {
  features: DEFAULT_FEATURES,
  c: 10,
  balanced: true,
  idf: true,
  maxIterations: 300,
};

/** The classes of a model: those given, else the examples' distinct labels, sorted. */
export function classOrder(examples: readonly TrainExample[], labels?: string[]): string[] {
  return labels ?? [...new Set(examples.map((e) => e.label))].sort();
}

/** Fits a model to the examples (and tunes its decision offsets when `tuneFolds` asks). */
export function train(examples: TrainExample[], options: Partial<TrainOptions> = {}): LinearModel {
  const folds = options.tuneFolds ?? 0;
  if (folds < 2) return fit(examples, options);
  const labels = classOrder(examples, options.labels);
  const once = { ...options, labels, tuneFolds: 0 };
  const probs = outOfFoldProbabilities(examples, once, folds);
  const truth = examples.map((e) => labels.indexOf(e.label));
  const tuned = tuneOffsets(probs, truth, labels.length);
  const model = fit(examples, once);
  model.offsets.set(tuned.offsets);
  model.meta.options = { ...(model.meta.options as object), tuneFolds: folds };
  model.meta.crossValidation = { folds, macroF1: tuned.before, macroF1WithOffsets: tuned.macroF1 };
  return model;
}

/**
 * Class probabilities of every example from a model fitted without its fold (example i is in
 * fold i mod `folds`), in the order of `options.labels`: cross-validation without a test part.
 */
export function outOfFoldProbabilities(
  examples: TrainExample[],
  options: Partial<TrainOptions>,
  folds: number,
): number[][] {
  // Every fold learns the same classes in the same order, whichever its part holds.
  const once = { ...options, labels: classOrder(examples, options.labels) };
  const probs: number[][] = new Array(examples.length);
  for (let f = 0; f < folds; f++) {
    const model = fit(
      examples.filter((_, i) => i % folds !== f),
      once,
    );
    examples.forEach((e, i) => {
      if (i % folds === f) probs[i] = model.probabilitiesOf(model.vectorize(e.text));
    });
  }
  return probs;
}

function fit(examples: TrainExample[], options: Partial<TrainOptions>): LinearModel {
  const opts = { ...DEFAULT_TRAIN, ...options };
  const cfg = opts.features;
  const labels = classOrder(examples, opts.labels);
  const k = labels.length;
  if (k < 2) throw new Error('training needs at least two classes');
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const dim = 1 << cfg.bits;

  const counts = examples.map((e) => countFeatures(e.text, cfg));
  let idf: Float32Array | null = null;
  if (opts.idf) {
    const df = new Uint32Array(dim);
    for (const c of counts) for (const b of c.buckets) df[b]!++;
    idf = new Float32Array(dim);
    const n = examples.length;
    for (let b = 0; b < dim; b++) idf[b] = Math.log((1 + n) / (1 + df[b]!)) + 1;
  }
  const vectors = counts.map((c) => weigh(c, idf, cfg.blockNorm));

  // Compact space: only buckets that occur in training can get a weight.
  const compactOf = new Int32Array(dim).fill(-1);
  const bucketOf: number[] = [];
  for (const v of vectors)
    for (const b of v.index) {
      if (compactOf[b] === -1) {
        compactOf[b] = bucketOf.length;
        bucketOf.push(b);
      }
    }
  const d = bucketOf.length;
  const rows = vectors.map((v) => ({ index: Int32Array.from(v.index, (b) => compactOf[b]!), value: v.value }));

  const targets = examples.map((e) => {
    const t = new Float64Array(k);
    if (e.soft) for (const [l, p] of Object.entries(e.soft)) t[labelIndex.get(l) ?? -1] = p;
    else {
      const c = labelIndex.get(e.label);
      if (c === undefined) throw new Error(`unknown label ${e.label}`);
      t[c] = 1;
    }
    return t;
  });
  const classCount = new Float64Array(k);
  for (const e of examples) classCount[labelIndex.get(e.label)!]!++;
  const sampleWeight = examples.map((e) => {
    const cw = opts.balanced ? examples.length / (k * classCount[labelIndex.get(e.label)!]!) : 1;
    return cw * (e.weight ?? 1);
  });

  const lambda = 1 / opts.c;
  const z = new Float64Array(k);
  // Parameters: k rows of d weights, then k biases.
  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = x[k * d + c]!;
        const off = c * d;
        for (let i = 0; i < row.index.length; i++) s += x[off + row.index[i]!]! * row.value[i]!;
        z[c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c]! - max);
      const logSum = max + Math.log(sum);
      const t = targets[r]!;
      const w = sampleWeight[r]!;
      for (let c = 0; c < k; c++) {
        const p = Math.exp(z[c]! - logSum);
        if (t[c]! > 0) loss -= w * t[c]! * (z[c]! - logSum);
        const g = w * (p - t[c]!);
        if (g === 0) continue;
        const off = c * d;
        for (let i = 0; i < row.index.length; i++) grad[off + row.index[i]!]! += g * row.value[i]!;
        grad[k * d + c]! += g;
      }
    }
    for (let i = 0; i < k * d; i++) {
      loss += 0.5 * lambda * x[i]! * x[i]!;
      grad[i]! += lambda * x[i]!;
    }
    return loss;
  };
  const x = new Float64Array(k * d + k);
  const finalLoss = minimize(objective, x, { maxIterations: opts.maxIterations, tolerance: 1e-7, memory: 10 });

  const weights = new Float32Array(k * dim);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) weights[c * dim + bucketOf[j]!] = x[c * d + j]!;
  return new LinearModel({
    labels,
    features: cfg,
    idf,
    weights,
    bias: Array.from(x.subarray(k * d)),
    meta: {
      trainedAt: new Date().toISOString(),
      examples: examples.length,
      classCounts: Object.fromEntries(labels.map((l, i) => [l, classCount[i]])),
      options: { c: opts.c, balanced: opts.balanced, idf: opts.idf, maxIterations: opts.maxIterations },
      finalLoss,
      buckets: d,
    },
  });
}
