import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countFeatures, DEFAULT_FEATURES, modelText, preprocess } from './features.js';
import { structureCues } from './structure.js';

/** The structure cues of a comment, as the spam model's features read it. */
function cuesOf(comment: string): string[] {
  const text = preprocess(comment);
  const out: string[] = [];
  structureCues(text, text.match(/[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_']/gu) ?? [], (name) => out.push(name));
  return out.sort();
}

test('self-promotion, calls to act, money, contact and link TLDs are cues; fans talking are not', () => {
  assert.deepEqual(cuesOf('check out my new channel'), ['call', 'own', 'own+call']);
  assert.deepEqual(cuesOf('I did a cover, check it out'), ['call']);
  assert.deepEqual(cuesOf('DM me on telegram to earn $500 a day'), ['call', 'contact', 'money']);
  assert.deepEqual(cuesOf('like this comment if you are watching in 2025'), ['bait']);
  assert.deepEqual(cuesOf('free gift at http://bit.ly/x plz'), ['money', 'plea', 'tld:ly']);
  assert.deepEqual(cuesOf('call 0687119038'), ['contact', 'number']);
  // What fans of a video write about it.
  assert.deepEqual(cuesOf('just came here to check the views'), []);
  assert.deepEqual(cuesOf('I like this song, it is my favourite'), []);
  assert.deepEqual(cuesOf('constructor __proto__ toString'), []);
});

test('cues sit after the scaled n-grams; a folded model reads look-alike letters as letters', () => {
  const cfg = { ...DEFAULT_FEATURES, fold: true, structure: true, cueWeight: 0.3 };
  const counts = countFeatures('ｃｈｅｃｋ ｏｕｔ ｍｙ ｃｈａｎｎｅｌ', cfg);
  assert.equal(counts.buckets.length - counts.scaled!, 3);
  assert.equal(modelText('ＳＵＢＳＣＲＩＢＥ tο mу сhаnnеl', cfg), 'subscribe to my channel');
  // Without `structure` nothing is appended.
  const plain = countFeatures('check out my channel', DEFAULT_FEATURES);
  assert.equal(plain.scaled, plain.buckets.length);
});
