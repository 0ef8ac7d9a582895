/** Prints the scores of predictions against the truth, as `eval` and `train --cv` show them. */
import { binaryScores, multiScores } from '../eval/metrics.js';
import { fmt } from './args.js';

/**
 * Two classes: accuracy, precision, recall, F1 and MCC of `positive` (default: the second
 * label). More: per-class precision, recall and F1, macro and weighted F1.
 */
export function printScores(
  truth: string[],
  predicted: string[],
  labels: string[],
  positive: string = labels[1]!,
  print: (line: string) => void = console.log,
): void {
  if (labels.length === 2) {
    const s = binaryScores(truth, predicted, positive);
    print(`positive class: ${positive}   TP ${s.tp}  FP ${s.fp}  TN ${s.tn}  FN ${s.fn}`);
    print(
      `accuracy ${fmt(s.accuracy)}  precision ${fmt(s.precision)}  recall ${fmt(s.recall)}  F1 ${fmt(s.f1)}  MCC ${fmt(s.mcc)}`,
    );
    return;
  }
  const s = multiScores(truth, predicted, labels);
  print('class        precision  recall  F1     support');
  for (const c of s.classes)
    print(
      `${c.label.padEnd(12)} ${fmt(c.precision).padStart(9)}  ${fmt(c.recall).padStart(6)}  ${fmt(c.f1)}  ${c.support}`,
    );
  print(`macro F1 ${fmt(s.macroF1)}  weighted F1 ${fmt(s.weightedF1)}  accuracy ${fmt(s.accuracy)}`);
}
