import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelAgreement } from './agreement.js';

const LABELS = ['a', 'b'];

test('a panel agrees fully with labels every annotator agreed on', () => {
  const items = [
    { label: 'a', votes: [3, 0] },
    { label: 'b', votes: [0, 3] },
    { label: 'b', votes: [0, 6] },
  ];
  const got = panelAgreement(items, LABELS, { rounds: 5 });
  assert.equal(got.macroF1, 1);
  assert.deepEqual(got.f1, { a: 1, b: 1 });
});

test('split votes lower the agreement, and the same seed gives the same estimate', () => {
  // A 2-1 item keeps its label in a fresh panel of 3 with probability 20/27.
  const items = Array.from({ length: 200 }, (_, i) =>
    i % 2 === 0 ? { label: 'a', votes: [2, 1] } : { label: 'b', votes: [1, 2] },
  );
  const got = panelAgreement(items, LABELS, { rounds: 20, seed: 7 });
  assert.ok(got.macroF1 > 0.65 && got.macroF1 < 0.83, `macro F1 ${got.macroF1}`);
  assert.deepEqual(panelAgreement(items, LABELS, { rounds: 20, seed: 7 }), got);
  assert.notDeepEqual(panelAgreement(items, LABELS, { rounds: 20, seed: 8 }), got);
});

test('an item without votes is an error', () => {
  assert.throws(() => panelAgreement([{ label: 'a', votes: [0, 0] }], LABELS), /without votes/);
});
