import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold } from './fold.js';
import { compileTermSet, matchTermSet } from './term-matcher.js';

/**
 * The matcher's rules as a regular expression (it backtracks, so only short texts go through it):
 * each word's letters with separators between them, the words of a term with separators that
 * hold no sentence break, a plural ending, whole words; glued: anywhere, no space inside a word.
 */
function reference(terms: readonly string[], glued = false): RegExp {
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
  const inWord = glued ? `[._\\-~·,'"/\\\\:;]*` : `[\\s._\\-~·,'"/\\\\:;]*`;
  const betweenWords = `(?:(?![.;:]\\s|[\\n\\r\\v\\f\\u0085\\u2028\\u2029])[\\s._\\-~·,'"/\\\\:;])*`;
  const word = (w: string) =>
    [...w].map((c) => `[${(c + (leet[c] ?? '')).replace(/[\\\]^-]/g, '\\$&')}]+`).join(inWord);
  const pattern = (term: string) =>
    term
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w !== '')
      .map(word)
      .join(betweenWords);
  const patterns = terms.map((t) => pattern(fold(t).trim())).filter((p) => p !== '');
  if (glued) return new RegExp(`(?:${patterns.join('|')})`, 'u');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join('|')})(?:s|es)?(?![\\p{L}\\p{N}])`, 'u');
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

test('the matcher agrees with the regular expression of its rules', () => {
  const lists = [
    ['idiot'],
    ['ass', 'il'],
    ['aaa', 'free money'],
    ['lol', 'sis', 'tit'],
    ['1d', 'ing'],
    ['bad word', 'a d'],
  ];
  const alphabet = [...'adiolstergnfmyxbw1!|*@$0347 .-_:;\néİ'];
  const next = random(20);
  for (const glued of [false, true])
    for (const list of lists) {
      const set = compileTermSet(
        list.map((t) => fold(t).trim()),
        { glued },
      )!;
      const re = reference(list, glued);
      for (let n = 0; n < 4000; n++) {
        let text = '';
        const length = Math.floor(next() * 12);
        for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
        const folded = fold(text);
        const label = `${glued ? 'glued ' : ''}${JSON.stringify(list)} on ${JSON.stringify(text)}`;
        assert.equal(matchTermSet(set, folded), re.test(folded), label);
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
  const list = ['aa', 'il', 'as', 'idi', 'a d i'];
  for (const glued of [false, true]) {
    const set = compileTermSet(list, { glued })!;
    const re = reference(list, glued);
    for (const unit of ['* ', 'i.', '1!', 'il1!|', 'a ', 'as', 'i d ', 'xa', '*1!|.', 'ab*', 'a. d', 'd\ni'])
      for (const n of [1, 3, 8, 12, 16, 20, 30])
        for (const [before, after] of [
          ['', ''],
          ['x', ''],
          ['', 'x'],
          ['a', 's'],
          ['id', 'ing'],
          ['', '*'],
          ['a ', 'i'],
        ]) {
          const text = `${before}${unit.repeat(n)}${after}`.slice(0, 70);
          assert.equal(matchTermSet(set, text), re.test(text), `${glued ? 'glued ' : ''}${JSON.stringify(text)}`);
        }
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
  for (const glued of [false, true])
    for (const [term, text] of cases) {
      const set = compileTermSet([term], { glued })!;
      const start = performance.now();
      // Glued, a term inside the run is found; whole words, none of them match.
      assert.equal(matchTermSet(set, text), glued && text.includes(term));
      const ms = performance.now() - start;
      assert.ok(ms < 200, `${term}${glued ? ' glued' : ''}: ${ms.toFixed(0)} ms`);
    }
});
