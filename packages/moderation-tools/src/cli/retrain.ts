#!/usr/bin/env node
/**
 * `npm run retrain -- --model spam|toxicity [--data-dir ./data] [--out path] [--include-owners]`:
 * trains a shipped model again on its base data plus the moderators' decisions the server has
 * stored (`<data-dir>/moderation/examples.jsonl`), so the filter learns from use. Only admins'
 * and global moderators' decisions count unless `--include-owners` is given: any user may own
 * an event, and an owner approving their own abuse must not teach every event's filter (#14).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, examplesPath, MODEL_FILES } from '@livecomments/server/moderation';
import { MODEL_LABELS, type ModelName, retrainExamples } from '../eval/base-data.js';
import { train } from '../training/train.js';
import { fail, parse, TRAIN_OPTIONS } from './args.js';
import { trainOptionsFrom } from './train-options.js';

const USAGE =
  'usage: npm run retrain -- --model spam|toxicity [--data-dir ./data] [--out path] [--include-owners] [training options]';

function main(): void {
  const { values } = parse(
    {
      ...TRAIN_OPTIONS,
      model: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      'include-owners': { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const model = values.model as ModelName | undefined;
  if (model !== 'spam' && model !== 'toxicity') fail(USAGE);
  const dataDir = resolve((values['data-dir'] as string | undefined) ?? process.env.LC_DATA_DIR ?? './data');
  const options = trainOptionsFrom({ preset: model, ...values });
  options.labels = MODEL_LABELS[model];
  const includeOwners = values['include-owners'] === true;
  const { examples, learned, skipped } = retrainExamples(model, dataDir, undefined, { includeOwners });
  const out = resolve((values.out as string | undefined) ?? join(DEFAULT_MODEL_DIR, MODEL_FILES[model]));
  const trained = train(examples, options);
  const from = includeOwners ? 'all reviewers' : 'admins and moderators';
  trained.meta.source = `preset ${model}: base data + ${learned} learned examples (${from}) from ${examplesPath(dataDir)}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(trained.toJSON())}\n`);
  console.log(
    `retrained ${model} on ${examples.length} examples (${learned} learned, ${skipped} decisions of owners or unknown reviewers left out) -> ${out}`,
  );
}

main();
