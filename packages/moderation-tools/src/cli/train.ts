#!/usr/bin/env node
/**
 * `npm run train -- [options] [file.csv ...]`: trains a classifier and writes its model file.
 * With CSV files, `--text-column` and `--label-column` name the columns (and `--label-map
 * 0=hate,1=offensive` renames labels). Without files, `--preset spam|toxicity` trains the
 * shipped model on its base data from the shared datasets. `--cv N` writes nothing and prints
 * N-fold cross-validation scores instead, to compare options on the training data alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, decideClass, MODEL_FILES } from '@livecomments/server/moderation';
import { baseExamples, MODEL_LABELS, type ModelName } from '../eval/base-data.js';
import { tuneOffsets } from '../training/offsets.js';
import { classOrder, outOfFoldProbabilities, type TrainExample, type TrainOptions, train } from '../training/train.js';
import { examplesFromCsv, fail, fmt, labelMap, parse, TRAIN_OPTIONS } from './args.js';
import { printScores } from './report.js';
import { trainOptionsFrom } from './train-options.js';

const USAGE = `usage: npm run train -- --text-column COL --label-column COL [--label-map a=x,b=y] --out model.json file.csv ...
       npm run train -- --preset spam|toxicity [--out path]   (base data from the shared datasets)
options: --c N  --bits N  --word-ngrams 1,2  --char-ngrams 2,5  --char-wb  --block-norm  --idf true|false  --balanced true|false  --iterations N
         --tune-folds N (decision offsets tuned for macro F1 by N-fold cross-validation on the training data, 0: none)
         --cv N (write no model: print the scores of N-fold cross-validation on the data, to compare options; --out and --tune-folds are not used)`;

function main(): void {
  const { values, positionals } = parse(
    {
      ...TRAIN_OPTIONS,
      'text-column': { type: 'string' },
      'label-column': { type: 'string' },
      'label-map': { type: 'string' },
      out: { type: 'string' },
      cv: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const options = trainOptionsFrom(values);
  const preset = values.preset as ModelName | undefined;
  let examples: TrainExample[];
  if (positionals.length > 0) {
    const text = values['text-column'] as string | undefined;
    const label = values['label-column'] as string | undefined;
    if (!text || !label) fail(`--text-column and --label-column are required with CSV files\n\n${USAGE}`);
    examples = examplesFromCsv(positionals, text, label, labelMap(values['label-map'] as string | undefined));
  } else if (preset) {
    examples = baseExamples(preset);
    options.labels = MODEL_LABELS[preset];
  } else fail(USAGE);
  if (values.cv !== undefined) return void crossValidate(examples, options, values.cv as string);
  const out = values.out
    ? resolve(values.out as string)
    : preset
      ? join(DEFAULT_MODEL_DIR, MODEL_FILES[preset])
      : fail(`--out is required\n\n${USAGE}`);
  const started = Date.now();
  const model = train(examples, options);
  model.meta.source = positionals.length > 0 ? positionals : `preset ${preset}: base data`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(model.toJSON())}\n`);
  console.log(
    `trained on ${examples.length} examples (${model.labels.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${out}`,
  );
}

/** `--cv N`: out-of-fold scores of the options on the examples; nothing is written. */
function crossValidate(examples: TrainExample[], options: TrainOptions, cv: string): void {
  const folds = Number(cv);
  if (!Number.isInteger(folds) || folds < 2 || folds > examples.length)
    fail('--cv must be a whole number from 2 to the number of examples');
  const labels = classOrder(examples, options.labels);
  const started = Date.now();
  const probs = outOfFoldProbabilities(examples, { ...options, labels, tuneFolds: 0 }, folds);
  const truth = examples.map((e) => e.label);
  const zero = new Array<number>(labels.length).fill(0);
  console.log(
    `${folds}-fold cross-validation over ${examples.length} examples (example i in fold i mod ${folds}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  printScores(
    truth,
    probs.map((p) => labels[decideClass(p, zero)]!),
    labels,
  );
  const tuned = tuneOffsets(
    probs,
    truth.map((l) => labels.indexOf(l)),
    labels.length,
  );
  console.log(`macro F1 with decision offsets tuned on these same predictions (optimistic): ${fmt(tuned.macroF1)}`);
}

main();
