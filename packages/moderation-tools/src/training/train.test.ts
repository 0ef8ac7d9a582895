import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LinearModel } from '@livecomments/server/moderation';
import { examplesFromCsv } from '../cli/args.js';
import { repoRoot } from '../eval/datasets.js';
import { PRESETS } from './presets.js';
import { outOfFoldProbabilities, train } from './train.js';

const FIXTURE = join(repoRoot(), 'packages/moderation-tools/fixtures/tiny-spam.csv');

test('a model trained on a small fixture scores what it should, and survives a save and load', () => {
  const examples = examplesFromCsv([FIXTURE], 'text', 'label', new Map());
  assert.equal(examples.length, 16);
  const model = train(examples, { ...PRESETS.spam, labels: ['ham', 'spam'] });
  for (const text of ['subscribe to my channel for free money', 'click my profile, free gifts']) {
    assert.equal(model.classify(text), 'spam', text);
    assert.ok(model.predict(text).spam! > 0.5);
  }
  for (const text of ['what a great match', 'i love this song']) assert.equal(model.classify(text), 'ham', text);

  const dir = mkdtempSync(join(tmpdir(), 'lc-model-'));
  try {
    const path = join(dir, 'model.json');
    writeFileSync(path, JSON.stringify(model.toJSON()));
    const loaded = LinearModel.load(path);
    const text = 'free money on my channel';
    assert.ok(Math.abs(loaded.predict(text).spam! - model.predict(text).spam!) < 1e-3, 'quantised weights keep scores');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('training is deterministic and refuses a single class', () => {
  const examples = examplesFromCsv([FIXTURE], 'text', 'label', new Map());
  const a = train(examples, PRESETS.spam).predict('free gifts');
  const b = train(examples, PRESETS.spam).predict('free gifts');
  assert.deepEqual(a, b);
  assert.throws(
    () =>
      train(
        examples.filter((e) => e.label === 'spam'),
        PRESETS.spam,
      ),
    /two classes/,
  );
});

test('scoring from counts matches scoring the weighed vector, with and without per-block scaling', () => {
  const examples = examplesFromCsv([FIXTURE], 'text', 'label', new Map());
  for (const blockNorm of [false, true]) {
    const model = train(examples, {
      ...PRESETS.spam,
      features: { ...PRESETS.spam.features, blockNorm },
      labels: ['ham', 'spam'],
    });
    for (const text of ['free money on my channel', 'what a match', '!!!', 'a']) {
      const fused = model.predict(text);
      const plain = model.probabilitiesOf(model.vectorize(text));
      assert.ok(Math.abs(fused.spam! - plain[1]!) < 1e-5, `${blockNorm} ${text}: ${fused.spam} vs ${plain[1]}`);
    }
  }
});

test('out-of-fold probabilities come from models that never saw the example', () => {
  const examples = examplesFromCsv([FIXTURE], 'text', 'label', new Map());
  // A text seen only with the wrong label: a model that saw it would repeat the label.
  const planted = [...examples, { text: 'zebra quokka tapir', label: 'spam' }];
  const labels = ['ham', 'spam'];
  const probs = outOfFoldProbabilities(planted, { ...PRESETS.spam, labels }, 4);
  assert.equal(probs.length, planted.length);
  for (const p of probs) assert.equal(p.length, 2);
  const seen = train(planted, { ...PRESETS.spam, labels }).predict('zebra quokka tapir').spam!;
  const unseen = probs.at(-1)![1]!;
  assert.ok(unseen < seen, `held out ${unseen} vs trained on ${seen}`);
  // Folds keep the class order even when one fold's part lacks a class.
  const skewed = [...planted.filter((e) => e.label === 'ham'), { text: 'free money', label: 'spam' }];
  for (const p of outOfFoldProbabilities(skewed, { ...PRESETS.spam, labels }, 3)) assert.equal(p.length, 2);
});
