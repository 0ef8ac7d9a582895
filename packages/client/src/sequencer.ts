import type { Entry } from '@livecomments/protocol';

/** Most early entries kept while waiting for a gap to fill; past it the client reloads. */
const MAX_BUFFERED = 5000;

/**
 * Puts entries in order and drops duplicates: whatever arrives, `deliver` sees each seq once,
 * ascending, with no gap. Entries ahead of a gap wait until `onGap` (a fetch from the store)
 * fills it.
 */
export class Sequencer {
  /** The last seq delivered. */
  cursor: number;
  #early = new Map<number, Entry>();

  constructor(
    cursor: number,
    private readonly deliver: (entry: Entry) => void,
  ) {
    this.cursor = cursor;
  }

  /** Entries waiting for a gap to fill. */
  get waiting(): number {
    return this.#early.size;
  }

  /**
   * Takes entries in any order; delivers what can be. Returns false when too many wait behind a
   * gap (the caller should reload), true otherwise.
   */
  push(items: readonly Entry[]): boolean {
    for (const entry of items) {
      if (entry.seq > this.cursor) this.#early.set(entry.seq, entry);
    }
    for (;;) {
      const next = this.#early.get(this.cursor + 1);
      if (!next) break;
      this.#early.delete(next.seq);
      this.cursor = next.seq;
      this.deliver(next);
    }
    return this.#early.size <= MAX_BUFFERED;
  }

  /** Moves the cursor (after a reset); entries at or before it are dropped. */
  jump(cursor: number): void {
    this.cursor = cursor;
    for (const seq of this.#early.keys()) if (seq <= cursor) this.#early.delete(seq);
  }

  /** Forgets early entries. */
  clear(): void {
    this.#early.clear();
  }
}
