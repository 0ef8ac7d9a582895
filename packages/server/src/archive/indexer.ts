// Keeps the search index in step with the log: a log follower that, for each event with new
// entries, has the store index them from the index's own position (engines/search.ts).
import type { Entry } from '@livecomments/protocol';
import type { ChatArchive } from '../engines/search.js';
import type { LogFollower } from '../log/followers.js';

/** Entries indexed per store call (one transaction each). */
const BATCH = 500;
/** Events looked for behind the log per sweep. */
const SWEEP_EVENTS = 100;
/**
 * How long new entries gather before they are indexed: one index transaction (and its fsync) per
 * this many milliseconds instead of one per comment, so the writer is free for the appends that
 * viewers wait on. Search lags the log by about this much.
 */
const GATHER_MS = 250;

/** Options of the indexer. */
export interface SearchIndexerOptions {
  /** How often to look for events whose log is ahead of the index (other nodes' entries, a restart); 0: never. */
  sweepMs: number;
  /** A store call failed (logged and counted by the caller); the event is tried again on the next sweep. */
  failed(error: unknown): void;
  /** How long new entries gather before they are indexed (default 250 ms). */
  gatherMs?: number;
}

/**
 * The search index's log follower. A new entry only marks its event: the store reads the log
 * after the index's position itself, so the index never skips an entry, takes each in seq order,
 * and catches up after a restart or a failure (a sweep finds the events left behind). One event
 * is indexed by one call at a time here; nodes sharing a store take turns (the store's lock).
 */
export class SearchIndexer implements LogFollower {
  readonly name = 'search-indexer';
  private readonly dirty = new Set<string>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private gathering: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: Pick<ChatArchive, 'indexLog' | 'eventsBehind'>,
    private readonly options: SearchIndexerOptions,
  ) {}

  /** Starts the sweeps, the first at once (what was left behind before a restart). */
  start(): void {
    if (this.options.sweepMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.options.sweepMs);
      this.timer.unref();
    }
    void this.sweep();
  }

  entries(eventId: string, entries: readonly Entry[]): void {
    if (this.stopped) return;
    if (!entries.some((e) => e.type === 'comment' || e.type === 'delete')) return;
    this.dirty.add(eventId);
    if (this.gathering) return;
    this.gathering = setTimeout(this.gathered, this.options.gatherMs ?? GATHER_MS);
    this.gathering.unref();
  }

  private readonly gathered = (): void => {
    this.gathering = null;
    this.kick();
  };

  /** Marks every event whose log is ahead of the index, and indexes them. */
  async sweep(): Promise<void> {
    try {
      for (const id of await this.store.eventsBehind(SWEEP_EVENTS)) this.dirty.add(id);
    } catch (error) {
      this.options.failed(error);
    }
    this.kick();
    await this.idle();
  }

  /** Indexes what is waiting at once, and resolves when nothing is left (tests; the stop). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.gathering) {
        clearTimeout(this.gathering);
        this.gathering = null;
        this.kick();
      }
      if (!this.running) return;
      await this.running;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = null;
    this.dirty.clear();
    await this.idle();
  }

  private kick(): void {
    if (this.running || this.dirty.size === 0) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      // New entries wait for their gathering; a sweep's events go on at once.
      if (!this.gathering) this.kick();
    });
  }

  /** Indexes the events marked so far (entries marked meanwhile wait for the next round). */
  private async drain(): Promise<void> {
    const events = [...this.dirty];
    this.dirty.clear();
    for (let i = 0; i < events.length && !this.stopped; i++) {
      const eventId = events[i]!;
      try {
        // A full batch may mean more: the event goes to the back of the line, so one busy event
        // does not keep the others waiting.
        if ((await this.store.indexLog(eventId, BATCH)) === BATCH) events.push(eventId);
      } catch (error) {
        this.options.failed(error);
      }
    }
  }
}
