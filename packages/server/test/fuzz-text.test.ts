// Fuzz of the text normaliser (ingest/normalise.ts): properties over seeded hostile texts.
// Replay a failure with LC_FUZZ_SEED=<seed>; LC_FUZZ_CASES scales the budget.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { charCount, hasVisible, normaliseText } from '../src/ingest/normalise.js';
import { FUZZ_CASES, FUZZ_SEED, NASTY_PIECES, nastyString, Rng } from './fuzz-input.js';
import { assertNone, type Finding } from './fuzz-support.js';

const TEXT_CASES = FUZZ_CASES * 2;

describe(`fuzz: text normaliser (LC_FUZZ_SEED=${FUZZ_SEED}, ${TEXT_CASES} texts)`, () => {
  const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]/u;

  /** Hostile texts for the normaliser; the same seed gives the same list. */
  function texts(seed: number): string[] {
    const rng = new Rng(seed);
    return [...NASTY_PIECES, ...Array.from({ length: TEXT_CASES }, () => nastyString(rng, 400))];
  }

  test('output is well-formed, one line, trimmed, without controls or direction overrides', () => {
    const findings: Finding[] = [];
    for (const input of texts(FUZZ_SEED)) {
      const out = normaliseText(input);
      const problems = [
        !out.isWellFormed() && 'not well-formed UTF-16',
        FORBIDDEN.test(out) && `keeps U+${out.codePointAt(out.search(FORBIDDEN))!.toString(16)}`,
        out !== out.trim() && 'not trimmed',
        // NFC may expand (U+0344, U+FB2C: up to three code points), never more.
        charCount(out) > 3 * charCount(input) && 'grew past three code points per input code point',
      ].filter(Boolean);
      if (problems.length > 0) {
        findings.push({ route: 'normaliseText', input: JSON.stringify(input), answer: problems.join(', ') });
      }
    }
    assertNone(findings, 'normaliser failures');
  });

  // Found by this suite: NFC before the removal of invisibles turned "e\u200b\u0301" into
  // "e\u0301" (not NFC), and a second pass gave "\u00e9".
  test('is idempotent (its output is NFC)', () => {
    const findings: Finding[] = [];
    for (const input of texts(FUZZ_SEED)) {
      const once = normaliseText(input);
      if (normaliseText(once) !== once || once.normalize('NFC') !== once) {
        findings.push({ route: 'normaliseText', input: JSON.stringify(input), answer: JSON.stringify(once) });
      }
    }
    assertNone(findings, 'non-idempotent outputs');
  });

  // Found by this suite (fixed): blank-rendering characters survived, so a comment of only
  // U+3164 (or tag characters, U+2800, U+061C) was published as an invisible comment.
  test('a text of blank-rendering characters alone has nothing visible', () => {
    const blanks = ['\u3164', '\u115f\u1160', '\uffa0', '\u2800', '\u{e0041}\u{e007f}', '\u061c', '\u2060', '\u180e'];
    const kept = blanks.filter((b) => hasVisible(normaliseText(` ${b} `)));
    assert.deepEqual(kept, []);
  });
});
