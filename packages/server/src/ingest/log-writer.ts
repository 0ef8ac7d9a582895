import type { Entry } from '@livecomments/protocol';
import type { Bus } from '../engines/bus.js';
import type { AppendItem, AppendResult } from '../engines/store.js';
import type { GroupCommitter } from './committer.js';

/** Where committed entries go besides the bus. */
export interface LogWriterHooks {
  /** A publication failed (the bus keeps or drops it; the store has the entry). */
  publishFailed(error: unknown): void;
  /** Called with each entry as soon as it is committed, before its appender hears of it. */
  committed?(eventId: string, entry: Entry): void;
  /** This node's own viewers: entries of one event, ascending, handed over without the bus. */
  local?(eventId: string, entries: Entry[]): void;
}

/**
 * The one way entries enter the log: group-committed to the store, then handed to this node's
 * hub and published on the bus (several entries of one event that commit together go out as one
 * message). The local hand-over means this node's viewers never wait on the bus; the hub drops
 * the copy that comes back over the bus by its seq.
 */
export class LogWriter {
  private readonly outbox = new Map<string, Entry[]>();
  private scheduled = false;

  constructor(
    private readonly committer: GroupCommitter,
    private readonly bus: Bus,
    private readonly hooks: LogWriterHooks,
  ) {}

  /** Resolves once the entry is durable; its publication follows at once. */
  async append(item: AppendItem): Promise<AppendResult> {
    const result = await this.committer.append(item);
    if ('entry' in result) {
      this.hooks.committed?.(item.eventId, result.entry);
      this.publish(item.eventId, result.entry);
    }
    return result;
  }

  /** Resolves when nothing is waiting for a commit or a publication. */
  async drain(): Promise<void> {
    await this.committer.drain();
    await this.flush();
  }

  private publish(eventId: string, entry: Entry): void {
    const list = this.outbox.get(eventId);
    if (list) list.push(entry);
    else this.outbox.set(eventId, [entry]);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.outbox];
    this.outbox.clear();
    for (const [eventId, entries] of batches) {
      entries.sort((a, b) => a.seq - b.seq);
      try {
        this.hooks.local?.(eventId, entries);
      } catch (error) {
        this.hooks.publishFailed(error);
      }
    }
    await Promise.all(
      batches.map(([eventId, entries]) =>
        this.bus.publish(eventId, entries).catch((error: unknown) => this.hooks.publishFailed(error)),
      ),
    );
  }
}
