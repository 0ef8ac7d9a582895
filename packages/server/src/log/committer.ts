import type { AppendItem, AppendResult, Store } from '../engines/store.js';

/** Options of the group committer. */
export interface CommitterOptions {
  /**
   * How long to gather appends before a commit while another commit is in flight (0: no longer
   * than the next turn of the event loop). With nothing in flight a commit starts on the next
   * turn whatever this is: waiting then would gain nothing, as the store is idle.
   */
  windowMs: number;
  /** Most items in one transaction. */
  maxBatch: number;
  /**
   * Commits that may be in flight at once (default 1). More suits a store that commits its
   * appends in the order they were made and merges those that queue up (the SQLite writer
   * thread): the next batch is handed over while the previous one commits.
   */
  maxInFlight?: number;
  /** Called with each commit's duration in seconds and size (for metrics). */
  onCommit?: (seconds: number, items: number) => void;
}

interface Waiting {
  item: AppendItem;
  /** Told the size of the batch the item commits in (for its trace). */
  note?: ((batchSize: number) => void) | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit over any store: appends that arrive in one turn of the event loop (or while the
 * previous commit runs) go into one `store.append` transaction; it waits only when commits are
 * already in flight; with `maxInFlight` above 1 the store may
 * merge batches that queue up in it into one commit. Each promise resolves once its batch is
 * durable, so a comment is acknowledged only after its commit.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** The timer gathers appends behind a commit in flight (a timeout, not the next turn). */
  private gathering = false;
  private inFlight = 0;
  private readonly maxInFlight: number;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly options: CommitterOptions,
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /**
   * Appends one entry; resolves with its seq'd entry (or the earlier comment of a retry). `note`
   * is told the size of the batch it committed in.
   */
  append(item: AppendItem, note?: (batchSize: number) => void): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject, note });
      this.schedule();
    });
  }

  /** Appends several entries in order, in the same batch. */
  appendMany(items: AppendItem[]): Promise<AppendResult[]> {
    return Promise.all(items.map((item) => this.append(item)));
  }

  /** Resolves when everything queued so far is committed (for shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.timer || this.inFlight >= this.maxInFlight) return;
    const run = () => {
      this.timer = null;
      this.gathering = false;
      void this.commit();
    };
    // An idle store commits at once (the next turn still gathers the posts read in this one).
    const gather = this.inFlight > 0 ? this.options.windowMs : 0;
    this.gathering = gather > 0;
    this.timer = this.gathering ? setTimeout(run, gather) : setImmediate(run);
  }

  private async commit(): Promise<void> {
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (batch.length === 0) return this.settle();
    this.inFlight++;
    // A backlog larger than one batch goes on at once when the store takes several in flight.
    if (this.queue.length > 0) this.schedule();
    const started = process.hrtime.bigint();
    try {
      const results = await this.store.append(batch.map((w) => w.item));
      this.options.onCommit?.(Number(process.hrtime.bigint() - started) / 1e9, batch.length);
      batch.forEach((w, i) => {
        w.note?.(batch.length);
        w.resolve(results[i]!);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.inFlight--;
    }
    if (this.gathering && this.inFlight === 0) {
      // The commit it gathered behind is done: the store is idle, so waiting gains nothing more.
      clearTimeout(this.timer as NodeJS.Timeout);
      this.timer = null;
      this.gathering = false;
    }
    if (this.queue.length > 0 && !this.timer) {
      // Whatever arrived during the commit is already a batch: commit it without waiting.
      this.timer = setImmediate(() => {
        this.timer = null;
        void this.commit();
      });
    } else {
      this.settle();
    }
  }

  private settle(): void {
    if (this.queue.length > 0 || this.inFlight > 0) return;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
