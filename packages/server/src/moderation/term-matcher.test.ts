import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold } from './fold.js';
import { compileTermSet, matchTermSet } from './term-matcher.js';

/** The regular expression the matcher replaced (it backtracks, so only short texts go through it). */
function reference(terms: readonly string[]): RegExp {
  const leet: Record<string, string> = {
    a: '4@^*',
    b: '8',
    c: '(<¢',
    e: '3€*',
    g: '96',
    h: '#',
    i: '1!|l*',
    l: '1|!i',
    o: '0*',
    s: '5$z',
    t: '7+',
    u: 'v*',
    z: '2',
  };
  const gap = '[\\s._\\-~·,\'"/\\\\:;]*';
  const pattern = (term: string) =>
    [...term]
      .filter((c) => /[\p{L}\p{N}]/u.test(c))
      .map((c) => `[${(c + (leet[c] ?? '')).replace(/[\\\]^-]/g, '\\$&')}]+`)
      .join(gap);
  const patterns = terms.map((t) => pattern(fold(t).trim())).filter((p) => p !== '');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join('|')})(?:s|es|ed|er|ers|ing)?(?![\\p{L}\\p{N}])`, 'u');
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the matcher agrees with the regular expression it replaced', () => {
  const lists = [['idiot'], ['ass', 'il'], ['aaa', 'free money'], ['lol', 'sis', 'tit'], ['1d', 'ing']];
  const alphabet = [...'adiolstergnfmyx1!|*@$0347 .-_éİ'];
  const next = random(20);
  for (const list of lists) {
    const set = compileTermSet(list.map((t) => fold(t).trim()))!;
    const re = reference(list);
    for (let n = 0; n < 4000; n++) {
      let text = '';
      const length = Math.floor(next() * 12);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const folded = fold(text);
      assert.equal(matchTermSet(set, folded), re.test(folded), `${JSON.stringify(list)} on ${JSON.stringify(text)}`);
    }
  }
});

test('long runs of one character read as the regular expression read them', () => {
  const list = ['aaaaa', 'il', 'ass'];
  const set = compileTermSet(list)!;
  const re = reference(list);
  for (const unit of ['a', '*', '1', 'l', 's', ' ', '.'])
    for (const n of [1, 4, 5, 6, 7, 8, 9, 12, 20])
      for (const [before, after] of [
        ['', ''],
        ['x', ''],
        ['', 'x'],
        ['a', 's'],
        ['as', 'es'],
        ['i', '!'],
      ]) {
        const text = `${before}${unit.repeat(n)}${after}`;
        assert.equal(matchTermSet(set, text), re.test(text), JSON.stringify(text));
      }
});

test('repeated units are read as the regular expression read them', () => {
  const list = ['aa', 'il', 'as', 'idi'];
  const set = compileTermSet(list)!;
  const re = reference(list);
  for (const unit of ['* ', 'i.', '1!', 'il1!|', 'a ', 'as', 'i d ', 'xa', '*1!|.', 'ab*'])
    for (const n of [1, 3, 8, 12, 16, 20, 30])
      for (const [before, after] of [
        ['', ''],
        ['x', ''],
        ['', 'x'],
        ['a', 's'],
        ['id', 'ing'],
        ['', '*'],
      ]) {
        const text = `${before}${unit.repeat(n)}${after}`.slice(0, 70);
        assert.equal(matchTermSet(set, text), re.test(text), JSON.stringify(text));
      }
});

test('long terms (more than 32 letters) cross state words', () => {
  const term = 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn';
  const set = compileTermSet([term])!;
  assert.ok(matchTermSet(set, `x ${term}s y`));
  assert.ok(matchTermSet(set, `x ${[...term].join('.')} y`));
  assert.ok(!matchTermSet(set, `x ${term.slice(0, -1)} y`));
  assert.ok(!matchTermSet(set, `x ${term}z`));
});

test('cost stays linear on texts that made the regular expression backtrack', () => {
  // The regular expression took 15 s on 33 characters here, and 3.7 s on 251 for "illicit".
  const cases: [string, string][] = [
    ['aaaaaaaaaaaa', `${'a'.repeat(2000)}b`],
    ['illicit', `${'l'.repeat(2000)}x`],
    ['illicit', `${'1'.repeat(2000)}x`],
    ['aeiouaeiouaeioub', '*'.repeat(2000)],
  ];
  for (const [term, text] of cases) {
    const set = compileTermSet([term])!;
    const start = performance.now();
    assert.equal(matchTermSet(set, text), false);
    const ms = performance.now() - start;
    assert.ok(ms < 200, `${term}: ${ms.toFixed(0)} ms`);
  }
});
