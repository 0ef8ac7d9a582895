// Retention of comment text (docs/API.md "Retention"): a sweep that removes the text of
// comments older than their event's `retentionDays` (or the node's `LC_RETENTION_DAYS`).
import type { ChatArchive } from '../engines/search.js';

/** Comments whose text one store call removes (one transaction). */
const BATCH = 1000;
/** Store calls per sweep at most (the next sweep continues). */
const MAX_BATCHES = 100;

/** Options of the sweeper. */
export interface RetentionOptions {
  /** Days to keep comment text when the event sets none; null keeps it. */
  defaultDays: number | null;
  /** How often to sweep; 0: never (tests call `sweep`). */
  sweepMs: number;
  now?: () => number;
  failed(error: unknown): void;
}

/**
 * Removes expired comment text in bounded batches. The comments stay (ids, authors, times,
 * seqs, statuses), and so do every count the analytics read (likes, reactions, moderation
 * actions, the log's entries); only the words go, from the comments, the log and the search
 * index, and from the moderation log's copies of them.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: Pick<ChatArchive, 'expireText'>,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    if (this.options.sweepMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), this.options.sweepMs);
    this.timer.unref();
  }

  /** One sweep (one at a time); how many comments lost their text. */
  sweep(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  private async run(): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    let total = 0;
    try {
      for (let i = 0; i < MAX_BATCHES; i++) {
        const n = await this.store.expireText(now, this.options.defaultDays, BATCH);
        total += n;
        if (n < BATCH) break;
      }
    } catch (error) {
      this.options.failed(error);
    }
    return total;
  }
}
