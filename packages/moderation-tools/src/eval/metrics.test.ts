import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryScores, fromCounts, multiScores } from './metrics.js';
import { permutation, randomSample } from './numpy-random.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('binary metrics on known counts', () => {
  // TP 90, FP 10, TN 80, FN 20: MCC = (90*80 - 10*20) / sqrt(100 * 110 * 90 * 100).
  const s = fromCounts(90, 10, 80, 20);
  close(s.accuracy, 170 / 200, 'accuracy');
  close(s.precision, 0.9, 'precision');
  close(s.recall, 90 / 110, 'recall');
  close(s.f1, (2 * 0.9 * (90 / 110)) / (0.9 + 90 / 110), 'f1');
  close(s.mcc, 7000 / Math.sqrt(100 * 110 * 90 * 100), 'mcc');
  assert.equal(fromCounts(0, 0, 5, 5).mcc, 0, 'undefined MCC is 0');
  const b = binaryScores(['1', '1', '0', '0'], ['1', '0', '0', '0'], '1');
  assert.deepEqual([b.tp, b.fn, b.tn, b.fp], [1, 1, 2, 0]);
  close(b.mcc, 2 / Math.sqrt(1 * 2 * 3 * 2), 'mcc');
});

test('multi-class: per class, macro and weighted F1', () => {
  const truth = ['a', 'a', 'a', 'b', 'b', 'c'];
  const pred = ['a', 'a', 'b', 'b', 'c', 'c'];
  const s = multiScores(truth, pred, ['a', 'b', 'c']);
  const [a, b, c] = s.classes;
  close(a!.f1, 0.8, 'a'); // P 1, R 2/3
  close(b!.f1, 0.5, 'b'); // P 1/2, R 1/2
  close(c!.f1, 2 / 3, 'c'); // P 1/2, R 1
  close(s.macroF1, (0.8 + 0.5 + 2 / 3) / 3, 'macro');
  close(s.weightedF1, (0.8 * 3 + 0.5 * 2 + 2 / 3) / 6, 'weighted');
  close(s.accuracy, 4 / 6, 'accuracy');
});

test("numpy's RandomState(42) stream and permutation are reproduced", () => {
  assert.equal(randomSample(42, 1)[0], 0.3745401188473625);
  assert.deepEqual(permutation(42, 10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
});
