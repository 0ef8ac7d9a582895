#!/usr/bin/env node
/**
 * `npm run eval -- --model m.json --text-column COL --label-column COL [--positive 1] file.csv ...`:
 * scores a model on labelled CSV files. Two classes: accuracy, precision, recall, F1 and MCC of
 * the positive class. More: per-class precision, recall and F1, macro and weighted F1.
 */
import { LinearModel } from '../classifier/model.js';
import { binaryScores, multiScores } from '../eval/metrics.js';
import { examplesFromCsv, fail, fmt, labelMap, parse } from './args.js';

const USAGE =
  'usage: npm run eval -- --model model.json --text-column COL --label-column COL [--label-map a=x] [--positive LABEL] file.csv ...';

function main(): void {
  const { values, positionals } = parse(
    {
      model: { type: 'string' },
      'text-column': { type: 'string' },
      'label-column': { type: 'string' },
      'label-map': { type: 'string' },
      positive: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.model || !values['text-column'] || !values['label-column'] || positionals.length === 0) fail(USAGE);
  const model = LinearModel.load(values.model as string);
  const rows = examplesFromCsv(
    positionals,
    values['text-column'] as string,
    values['label-column'] as string,
    labelMap(values['label-map'] as string | undefined),
  );
  const truth = rows.map((r) => r.label);
  const predicted = rows.map((r) => model.classify(r.text));
  console.log(`${rows.length} examples, model labels: ${model.labels.join(', ')}`);
  if (model.labels.length === 2) {
    const positive = (values.positive as string | undefined) ?? model.labels[1]!;
    const s = binaryScores(truth, predicted, positive);
    console.log(`positive class: ${positive}   TP ${s.tp}  FP ${s.fp}  TN ${s.tn}  FN ${s.fn}`);
    console.log(
      `accuracy ${fmt(s.accuracy)}  precision ${fmt(s.precision)}  recall ${fmt(s.recall)}  F1 ${fmt(s.f1)}  MCC ${fmt(s.mcc)}`,
    );
    return;
  }
  const s = multiScores(truth, predicted, model.labels);
  console.log('class        precision  recall  F1     support');
  for (const c of s.classes)
    console.log(
      `${c.label.padEnd(12)} ${fmt(c.precision).padStart(9)}  ${fmt(c.recall).padStart(6)}  ${fmt(c.f1)}  ${c.support}`,
    );
  console.log(`macro F1 ${fmt(s.macroF1)}  weighted F1 ${fmt(s.weightedF1)}  accuracy ${fmt(s.accuracy)}`);
}

main();
