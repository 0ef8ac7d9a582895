// Seeded generators of hostile input for the fuzz suite: a small PRNG (no dependency) and
// builders of strings, JSON values, bodies, query strings and ids that aim at the edges a
// server gets wrong (types, sizes, nesting, Unicode, prototype keys).

/** The fuzz seed: `LC_FUZZ_SEED` (a number) or a fixed default, so a run can be replayed. */
export const FUZZ_SEED = Number.parseInt(process.env.LC_FUZZ_SEED ?? '', 10) || 0x5eed_c0de;

/** The case budget of one run: `LC_FUZZ_CASES` or 3,000. */
export const FUZZ_CASES = Number.parseInt(process.env.LC_FUZZ_CASES ?? '', 10) || 3000;

/** A seeded random source (mulberry32) with the picks the generators need. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A length biased to small values with a tail up to `max`. */
  size(max: number): number {
    const r = this.next();
    if (r < 0.6) return this.int(Math.min(max, 8) + 1);
    if (r < 0.9) return this.int(Math.min(max, 200) + 1);
    return this.int(max + 1);
  }
}

/** Pieces of text that break naive handling, each a known trouble maker. */
export const NASTY_PIECES: readonly string[] = [
  '\u0000', // NUL
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\udc00\ud800', // surrogates the wrong way round
  '\u202e', // right-to-left override
  '\u2066\u2069', // isolates
  '\u200f\u200e', // direction marks
  '\u061c', // Arabic letter mark
  '\u3164', // Hangul filler (renders as blank)
  '\u115f\u1160\uffa0', // more fillers
  '\u2800', // braille blank
  '\u{e0041}\u{e0062}\u{e007f}', // tag characters
  '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466}', // emoji ZWJ family
  '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', // flag with tags
  '\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308', // combining marks
  '\u200b\u200c\u200d\u2060\ufeff', // zero-width characters
  '\r\n\u2028\u2029\u0085\v\f\t', // line breaks
  '\u0344\ufb2c\u1e9b\u0323', // NFC expanding and reordering sequences
  'e\u200b\u0301', // a mark cut from its letter by an invisible
  '\ufdfa\u{1242b}', // long-rendering characters
  '\u0130\u0131\u00df\u1e9e', // case mapping oddities
  '\ufffd\ufffe\uffff', // replacement and non-characters
  '<script>alert(1)</script>',
  '"\'\\`$\u007b}', // quotes, escapes, template syntax
  '%00%ff%c0%af',
  '../../etc/passwd',
  'http://example.com/x?y=1',
  '@everyone',
  'A'.repeat(64),
  '\u{1f600}'.repeat(20),
];

/** Strings that double as object keys with meaning to JavaScript. */
export const NASTY_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  '\u0000',
];

/** A string of up to `max` UTF-16 units mixing plain text, nasty pieces and random code units. */
export function nastyString(rng: Rng, max = 300): string {
  const target = rng.size(max);
  let out = '';
  while (out.length < target) {
    const r = rng.next();
    if (r < 0.3) out += rng.pick(NASTY_PIECES);
    else if (r < 0.55) out += rng.pick(['hello ', 'what a goal ', 'gg ', 'lol ', 'wow ', 'ok ']);
    else if (r < 0.75) out += String.fromCharCode(rng.int(0x10000));
    else if (r < 0.85) out += String.fromCodePoint(0x10000 + rng.int(0x100000));
    else if (r < 0.95) out += String.fromCharCode(0x300 + rng.int(0x70)).repeat(rng.size(100) + 1);
    else out += rng.pick(NASTY_PIECES).repeat(rng.size(50) + 1);
  }
  return out.slice(0, Math.max(target, 0));
}

/** A number that tests a schema: edges of safe integers, floats, signs. */
export function nastyNumber(rng: Rng): number {
  return rng.pick([
    0,
    -0,
    1,
    -1,
    0.5,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    3_600_001,
    100_001,
    rng.int(1_000_000),
    rng.next(),
  ]);
}

/** Strings that look like numbers or keywords to a careless parser. */
const NUMBERISH = ['NaN', 'Infinity', '-Infinity', '-0', '1e308', '0x10', '1_000', ' 1', '1 ', '', 'null', 'true'];

/** A JSON value: wrong types at every level, within `depth` levels of nesting. */
export function nastyValue(rng: Rng, depth = 4): unknown {
  const r = rng.next();
  if (r < 0.2) return nastyString(rng, 200);
  if (r < 0.3) return rng.pick(NUMBERISH);
  if (r < 0.45) return nastyNumber(rng);
  if (r < 0.52) return rng.chance(0.5);
  if (r < 0.58) return null;
  if (depth <= 0) return rng.pick([{}, [], '']);
  if (r < 0.78) return Array.from({ length: rng.size(12) }, () => nastyValue(rng, depth - 1));
  return nastyObject(rng, depth - 1);
}

/** An object with nasty keys and values. */
export function nastyObject(rng: Rng, depth = 3): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = rng.size(6); i > 0; i--) {
    const key = rng.chance(0.3) ? rng.pick(NASTY_KEYS) : nastyString(rng, 20);
    // defineProperty: plain assignment to "__proto__" would set the prototype, not a key.
    Object.defineProperty(out, key, { value: nastyValue(rng, depth), enumerable: true, writable: true });
  }
  return out;
}

/** An array nested `depth` levels deep, as JSON text (no recursion on our side either). */
export function deepJson(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** How hostile one request is: some cases are all valid so the input reaches deep code. */
function badRate(rng: Rng): number {
  return rng.pick([0, 0, 0.1, 0.3, 0.6]);
}

/**
 * A body for a route with the fields it knows: each field kept valid (with hostile text where
 * it is a string), given a value of the wrong kind, or left out; sometimes an unknown key.
 */
export function mutateBody(rng: Rng, valid: Record<string, () => unknown>): Record<string, unknown> {
  const bad = badRate(rng);
  const body: Record<string, unknown> = {};
  for (const [key, good] of Object.entries(valid)) {
    if (!rng.chance(bad)) body[key] = good();
    else if (rng.chance(0.8)) body[key] = nastyValue(rng, 3);
  }
  if (rng.chance(bad / 2)) {
    Object.defineProperty(body, rng.pick(NASTY_KEYS), { value: nastyValue(rng, 2), enumerable: true });
  }
  return body;
}

/**
 * A hostile settings object: known keys with good or bad values, unknown and prototype keys.
 * Blocked terms only when asked: hostile terms can make the matcher backtrack for minutes.
 */
export function nastySettings(rng: Rng, withTerms = false): Record<string, unknown> {
  const termList = () => Array.from({ length: rng.size(20) }, () => nastyString(rng, 100).slice(0, 100) || 'x');
  return mutateBody(rng, {
    slowModeMs: () => rng.int(3_600_001),
    maxCommentChars: () => 1 + rng.int(2000),
    uniqueChat: () => rng.chance(0.5),
    linksAllowed: () => rng.chance(0.5),
    rateLimitPerMinute: () => rng.int(100_001),
    moderation: () =>
      mutateBody(rng, {
        spamBlock: () => rng.next(),
        spamHold: () => rng.next(),
        toxicityBlock: () => rng.next(),
        toxicityHold: () => rng.next(),
        shadow: () => rng.chance(0.5),
      }),
    profanity: () => rng.pick(['allow', 'mask', 'hold', 'block']),
    linkPolicy: () => rng.pick(['allow', 'hold', 'block']),
    allowedDomains: () => Array.from({ length: rng.size(10) }, () => nastyString(rng, 253) || 'example.com'),
    languages: () => Array.from({ length: rng.size(5) }, () => rng.pick(['eng', 'fra', 'deu', 'xx', '\u0000\u0000'])),
    repeatWindowMs: () => rng.int(86_400_001),
    attackRules: () => rng.chance(0.5),
    ...(withTerms ? { blockedTerms: termList } : {}),
  });
}

/** A path segment: a valid-looking id, an id of another kind, or hostile text, URL-encoded. */
export function nastyId(rng: Rng, known: readonly string[]): string {
  const r = rng.next();
  if (r < 0.7 && known.length > 0) return rng.pick(known);
  if (r < 0.8) return rng.pick(['..', '.', '%2e%2e', '%2F', '%00', '%ff', '%', 'a'.repeat(65), 'a'.repeat(4000)]);
  return encodeURIComponent(nastyString(rng, 80).toWellFormed()) || 'x';
}

/** Values a query parameter should refuse, or read with care. */
const BAD_PARAMS = ['999999999999999', '9999999999999999', '-1', '1.5', '1e3', '%ff', '%00', '0x1'];

/** A query string of the route's parameters (name -> a valid value), some made hostile or doubled. */
export function nastyQuery(rng: Rng, params: Record<string, () => string>): string {
  const bad = badRate(rng);
  const parts: string[] = [];
  for (const [name, good] of Object.entries(params)) {
    if (rng.chance(0.3)) continue;
    let value = good();
    if (rng.chance(bad)) {
      const r = rng.next();
      if (r < 0.4) value = rng.pick(NUMBERISH);
      else if (r < 0.7) value = rng.pick(BAD_PARAMS);
      else value = encodeURIComponent(nastyString(rng, 40).toWellFormed());
    }
    parts.push(`${name}=${value}`);
    if (rng.chance(bad / 3)) parts.push(`${name}=${rng.int(10)}`); // the parameter twice
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Bytes that are not UTF-8: overlongs, surrogates in UTF-8, stray continuation bytes. */
export function invalidUtf8(rng: Rng): Buffer {
  const bad = rng.pick([[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]);
  return Buffer.concat([Buffer.from('{"text":"'), Buffer.from(bad), Buffer.from('"}')]);
}
