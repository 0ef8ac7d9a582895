#!/usr/bin/env node
/**
 * `npm run train -- [options] [file.csv ...]`: trains a classifier and writes its model file.
 * With CSV files, `--text-column` and `--label-column` name the columns (and `--label-map
 * 0=hate,1=offensive` renames labels). Without files, `--preset spam|toxicity` trains the
 * shipped model on its base data from the shared datasets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type TrainExample, train } from '../classifier/train.js';
import { DEFAULT_MODEL_DIR, MODEL_FILES } from '../classifiers.js';
import { baseExamples, MODEL_LABELS, type ModelName } from '../eval/base-data.js';
import { examplesFromCsv, fail, labelMap, parse, TRAIN_OPTIONS } from './args.js';
import { trainOptionsFrom } from './train-options.js';

const USAGE = `usage: npm run train -- --text-column COL --label-column COL [--label-map a=x,b=y] --out model.json file.csv ...
       npm run train -- --preset spam|toxicity [--out path]   (base data from the shared datasets)
options: --c N  --bits N  --word-ngrams 1,2  --char-ngrams 2,5  --char-wb  --block-norm  --idf true|false  --balanced true|false  --iterations N
         --tune-folds N (decision offsets tuned for macro F1 by N-fold cross-validation on the training data, 0: none)`;

function main(): void {
  const { values, positionals } = parse(
    {
      ...TRAIN_OPTIONS,
      'text-column': { type: 'string' },
      'label-column': { type: 'string' },
      'label-map': { type: 'string' },
      out: { type: 'string' },
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

main();
