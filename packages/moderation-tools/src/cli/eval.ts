#!/usr/bin/env node
/**
 * `npm run eval -- --model m.json --text-column COL --label-column COL [--positive 1] file.csv ...`:
 * scores a model on labelled CSV files. Two classes: accuracy, precision, recall, F1 and MCC of
 * the positive class. More: per-class precision, recall and F1, macro and weighted F1.
 */
import { LinearModel } from '@livecomments/server/moderation';
import { examplesFromCsv, fail, labelMap, parse } from './args.js';
import { printScores } from './report.js';

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
  printScores(truth, predicted, model.labels, values.positive as string | undefined);
}

main();
