// A latency histogram in microseconds: log-linear buckets (16 per power of two, about 6% wide),
// a fixed Uint32Array so that recording is a few integer operations and merging is an addition.

const SUB_BITS = 4;
const SUB = 1 << SUB_BITS;
/** Enough buckets for values up to 2^32 microseconds (over an hour). */
const BUCKETS = (32 - SUB_BITS + 1) * SUB;

/** The bucket of a value in microseconds (values below 16 have a bucket each). */
export function bucketOf(us: number): number {
  const v = us < 0 ? 0 : us >= 0xffffffff ? 0xffffffff : Math.floor(us);
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v);
  return (exp - SUB_BITS + 1) * SUB + ((v >>> (exp - SUB_BITS)) & (SUB - 1));
}

/** The middle value of a bucket. */
export function bucketValue(bucket: number): number {
  if (bucket < SUB) return bucket;
  const exp = Math.floor(bucket / SUB) + SUB_BITS - 1;
  const sub = bucket % SUB;
  const low = (SUB + sub) * 2 ** (exp - SUB_BITS);
  return low + 2 ** (exp - SUB_BITS) / 2;
}

/** Counts of latencies; `record` is cheap enough to call for every delivered comment. */
export class Histogram {
  readonly counts: Uint32Array;
  total = 0;
  max = 0;

  constructor(counts?: ArrayLike<number>) {
    this.counts = new Uint32Array(BUCKETS);
    if (counts) {
      this.counts.set(counts);
      for (let i = 0; i < BUCKETS; i++) {
        const n = this.counts[i]!;
        if (n > 0) {
          this.total += n;
          this.max = bucketValue(i);
        }
      }
    }
  }

  /** Records `n` samples of `us` microseconds. */
  record(us: number, n = 1): void {
    this.counts[bucketOf(us)]! += n;
    this.total += n;
    if (us > this.max) this.max = us;
  }

  /** Adds another histogram's counts. */
  add(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    if (other.max > this.max) this.max = other.max;
  }

  /** The value below which `q` (0..1) of the samples fall; NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketValue(i), this.max);
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }

  /** Sparse form for messages and JSON: [bucket, count, bucket, count, ...]. */
  toSparse(): number[] {
    const out: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) out.push(i, this.counts[i]!);
    return out;
  }

  static fromSparse(sparse: readonly number[], max?: number): Histogram {
    const h = new Histogram();
    for (let i = 0; i + 1 < sparse.length; i += 2) {
      h.counts[sparse[i]!]! += sparse[i + 1]!;
      h.total += sparse[i + 1]!;
    }
    if (max !== undefined) h.max = max;
    else for (let i = 0; i + 1 < sparse.length; i += 2) h.max = Math.max(h.max, bucketValue(sparse[i]!));
    return h;
  }
}
