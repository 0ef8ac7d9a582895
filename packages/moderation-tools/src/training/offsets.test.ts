import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinearModel } from '@livecomments/server/moderation';
import { macroF1Of, tuneOffsets } from './offsets.js';

test('tuned offsets move a boundary that over-predicts a class', () => {
  // Class 1 is picked whenever its probability exceeds 0.3: the best cut is above that.
  const probs = [0.35, 0.4, 0.45, 0.7, 0.8, 0.9, 0.1, 0.2].map((p) => [1 - p, p]);
  const truth = [0, 0, 0, 1, 1, 1, 0, 0];
  const before = macroF1Of(probs, truth, [0, 0]);
  const tuned = tuneOffsets(probs, truth, 2);
  assert.equal(tuned.before, before);
  assert.equal(tuned.macroF1, 1);
  assert.ok(tuned.offsets[1]! <= 0);
});

test('a model keeps its offsets through a save and load, and classify applies them', () => {
  const model = new LinearModel({
    labels: ['a', 'b'],
    features: { bits: 10, wordNgrams: [1], charMin: 0, charMax: 0, charWordBounded: false, cues: false },
    idf: null,
    weights: new Float32Array(2 * 1024),
    bias: [0.1, 0],
    offsets: [0, 0.5],
  });
  assert.equal(model.classify('anything'), 'b');
  const loaded = LinearModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(Array.from(loaded.offsets), [0, 0.5]);
  assert.equal(loaded.classify('anything'), 'b');
});
