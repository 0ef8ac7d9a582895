/**
 * numpy's legacy `RandomState(seed).permutation(n)` (MT19937 seeded by `init_genrand`, shuffled
 * by Fisher-Yates from the end with masked rejection sampling), so that the Davidson held-out
 * split is exactly scikit-learn's `train_test_split(..., test_size=0.1, random_state=42)`.
 */

/** The Mersenne Twister MT19937, 32-bit outputs. */
export class MersenneTwister {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  next(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      let v = mt[(i + 397) % 624]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }
}

/** A float in [0, 1) with 53 random bits, as numpy's `random_sample`. */
export function randomSample(seed: number, count: number): number[] {
  const rng = new MersenneTwister(seed);
  return Array.from({ length: count }, () => {
    const a = rng.next() >>> 5;
    const b = rng.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  });
}

/** numpy `RandomState(seed).permutation(n)`. */
export function permutation(seed: number, n: number): number[] {
  const rng = new MersenneTwister(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i >= 1; i--) {
    let mask = i;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let j: number;
    do j = (rng.next() & mask) >>> 0;
    while (j > i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
