// The published-figure targets, checked when the shared datasets are beside the repository.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR, LinearModel, MODEL_FILES } from '@livecomments/server/moderation';
import { PRESETS } from '../training/presets.js';
import { train } from '../training/train.js';
import { MODEL_LABELS } from './base-data.js';
import { datasetsDir, davidsonSplit, readDavidson, readYoutube, YOUTUBE_VIDEOS, youtubeSplit } from './datasets.js';
import { binaryScores, multiScores } from './metrics.js';

const skip = existsSync(datasetsDir()) ? false : `no datasets at ${datasetsDir()}`;

test('YouTube: one configuration reaches mean MCC >= 0.94, every video >= 0.90', { skip }, () => {
  const mccs = YOUTUBE_VIDEOS.map((video) => {
    const { train: tr, test } = youtubeSplit(readYoutube(video));
    const model = train(tr, { ...PRESETS.spam, labels: ['0', '1'] });
    return binaryScores(
      test.map((r) => r.label),
      test.map((r) => model.classify(r.text)),
      '1',
    ).mcc;
  });
  const mean = mccs.reduce((a, b) => a + b) / mccs.length;
  assert.ok(mean >= 0.94, `mean MCC ${mean}`);
  assert.ok(Math.min(...mccs) >= 0.9, `per video ${mccs}`);
});

test('Davidson: the committed toxicity model on the held-out 10% (regression floor, see README)', { skip }, () => {
  const model = LinearModel.load(join(DEFAULT_MODEL_DIR, MODEL_FILES.toxicity));
  const { test: rows } = davidsonSplit(readDavidson());
  assert.deepEqual(
    MODEL_LABELS.toxicity.map((l) => rows.filter((r) => r.label === l).length),
    [164, 1905, 410],
    'the split is the authors’ split',
  );
  const s = multiScores(
    rows.map((r) => r.label),
    rows.map((r) => model.classify(r.text)),
    MODEL_LABELS.toxicity,
  );
  assert.ok(s.macroF1 >= 0.73, `macro F1 ${s.macroF1}`);
  assert.ok(s.weightedF1 >= 0.87, `weighted F1 ${s.weightedF1}`);
});
