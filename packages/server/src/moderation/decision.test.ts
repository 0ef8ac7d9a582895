import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { decide, NEW_AUTHOR_SPAM_MARGIN, thresholdVerdict } from './decision.js';

const t = DEFAULT_SETTINGS.moderation;

test('scores against thresholds: block above *Block, hold above *Hold', () => {
  assert.equal(thresholdVerdict(0.81, 0.8, 0.6), 'block');
  assert.equal(thresholdVerdict(0.8, 0.8, 0.6), 'hold', 'strictly above');
  assert.equal(thresholdVerdict(0.61, 0.8, 0.6), 'hold');
  assert.equal(thresholdVerdict(0.6, 0.8, 0.6), 'approve');
  assert.equal(thresholdVerdict(undefined, 0.8, 0.6), 'approve', 'no model, no verdict');
  assert.deepEqual(decide([], { spam: 0.9 }, t, false), { verdict: 'block', reasons: ['spam'] });
  assert.deepEqual(decide([], { toxicity: 0.75 }, t, false), { verdict: 'hold', reasons: ['toxicity'] });
  assert.deepEqual(decide([], { spam: 0.1, toxicity: 0.1 }, t, false), { verdict: 'approve', reasons: [] });
  const custom = { ...t, toxicityBlock: 0.4, toxicityHold: 0.2 };
  assert.equal(decide([], { toxicity: 0.45 }, custom, false).verdict, 'block', 'per-event thresholds');
});

test('the strictest stage wins, reasons add up; new authors meet stricter spam thresholds', () => {
  const d = decide(
    [{ verdict: 'hold', reasons: ['link'] }, { reasons: ['profanity_masked'] }],
    { spam: 0.85 },
    t,
    false,
  );
  assert.deepEqual(d, { verdict: 'block', reasons: ['link', 'profanity_masked', 'spam'] });
  const edge = t.spamHold - NEW_AUTHOR_SPAM_MARGIN / 2;
  assert.equal(decide([], { spam: edge }, t, false).verdict, 'approve');
  assert.equal(decide([], { spam: edge }, t, true).verdict, 'hold');
});
