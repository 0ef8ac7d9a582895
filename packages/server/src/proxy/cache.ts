/**
 * Answers of the app kept for a while, so a reconnect storm does not call the app once per
 * connection: bounded (the least recently used goes first), each answer with its own lifetime,
 * and look-ups of the same key while a call is in flight share that call. Failures are not kept.
 */

/** What a look-up found: a kept answer, a call in flight, or nothing (a call was made). */
export type LookUp = 'hit' | 'shared' | 'miss';

/** An answer and how long it may be kept (0: not kept, only shared while in flight). */
export interface Fresh<T> {
  value: T;
  ttlMs: number;
}

interface Kept<T> {
  value: T;
  until: number;
}

/** A bounded cache of answers with per-key lifetimes and shared calls. */
export class AnswerCache<T> {
  private readonly kept = new Map<string, Kept<T>>();
  private readonly pending = new Map<string, Promise<T>>();

  constructor(
    private readonly maxSize: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers kept now (expired ones not yet dropped included). */
  get size(): number {
    return this.kept.size;
  }

  /** The answer for `key`: kept, the call in flight for it, or `load`'s (kept for its `ttlMs`). */
  get(key: string, load: () => Promise<Fresh<T>>, seen: (result: LookUp) => void = noop): Promise<T> {
    const kept = this.kept.get(key);
    if (kept) {
      if (kept.until > this.now()) {
        // Most recently used last: eviction takes the first.
        this.kept.delete(key);
        this.kept.set(key, kept);
        seen('hit');
        return Promise.resolve(kept.value);
      }
      this.kept.delete(key);
    }
    const running = this.pending.get(key);
    if (running) {
      seen('shared');
      return running;
    }
    seen('miss');
    // `finally` runs in a later microtask, so the call is registered before it can be removed.
    const call = this.load(key, load).finally(() => this.pending.delete(key));
    this.pending.set(key, call);
    return call;
  }

  private async load(key: string, load: () => Promise<Fresh<T>>): Promise<T> {
    const { value, ttlMs } = await load();
    if (ttlMs > 0) this.keep(key, value, ttlMs);
    return value;
  }

  private keep(key: string, value: T, ttlMs: number): void {
    this.kept.delete(key);
    while (this.kept.size >= this.maxSize) {
      const oldest = this.kept.keys().next();
      if (oldest.done) break;
      this.kept.delete(oldest.value);
    }
    this.kept.set(key, { value, until: this.now() + ttlMs });
  }
}

function noop(): void {}
