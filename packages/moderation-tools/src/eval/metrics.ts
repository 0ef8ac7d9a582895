/** Classification metrics: confusion counts, accuracy, precision, recall, F1, MCC, macro F1. */

/** Scores of a binary classifier, `positive` being the class of interest (e.g. spam). */
export interface BinaryScores {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
}

/** Binary scores from true and predicted labels. */
export function binaryScores(truth: string[], predicted: string[], positive: string): BinaryScores {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  truth.forEach((t, i) => {
    const p = predicted[i] === positive;
    if (t === positive) p ? tp++ : fn++;
    else p ? fp++ : tn++;
  });
  return { tp, fp, tn, fn, ...fromCounts(tp, fp, tn, fn) };
}

/** Accuracy, precision, recall, F1 and Matthews correlation from confusion counts (0 when undefined). */
export function fromCounts(tp: number, fp: number, tn: number, fn: number) {
  const total = tp + fp + tn + fn;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  const mcc = denom === 0 ? 0 : (tp * tn - fp * fn) / denom;
  return { accuracy: total === 0 ? 0 : (tp + tn) / total, precision, recall, f1, mcc };
}

/** Per-class scores of a multi-class classifier. */
export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Multi-class scores: per class, macro F1, support-weighted F1, accuracy. */
export interface MultiScores {
  classes: ClassScores[];
  macroF1: number;
  weightedF1: number;
  accuracy: number;
}

/** Multi-class scores from true and predicted labels, classes in `labels` order. */
export function multiScores(truth: string[], predicted: string[], labels: string[]): MultiScores {
  const classes = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      const p = predicted[i] === label;
      if (t === label && p) tp++;
      else if (t === label) fn++;
      else if (p) fp++;
    });
    const { precision, recall, f1 } = fromCounts(tp, fp, 0, fn);
    return { label, precision, recall, f1, support: tp + fn };
  });
  const n = truth.length;
  const correct = truth.filter((t, i) => predicted[i] === t).length;
  return {
    classes,
    macroF1: classes.reduce((s, c) => s + c.f1, 0) / classes.length,
    weightedF1: n === 0 ? 0 : classes.reduce((s, c) => s + c.f1 * c.support, 0) / n,
    accuracy: n === 0 ? 0 : correct / n,
  };
}
