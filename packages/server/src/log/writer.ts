import type { Entry } from '@livecomments/protocol';
import type { Bus } from '../engines/bus.js';
import type { AppendItem, AppendResult } from '../engines/store.js';
import { inSpan, rememberEntry, tracePublish, tracingOn } from '../util/tracing.js';
import type { GroupCommitter } from './committer.js';
import type { LogFollowers } from './followers.js';

/**
 * The one way entries enter the log: group-committed to the store, handed to this node's log
 * followers at once (its hub included, so its own viewers never wait on the bus, nor lose its
 * posts when the bus is away), then published on the bus (several entries of one event that
 * commit together go out as one message). The followers drop the copy that comes back over the
 * bus by its seq.
 */
export class LogWriter {
  private readonly outbox = new Map<string, Entry[]>();
  private scheduled = false;

  constructor(
    private readonly committer: GroupCommitter,
    private readonly bus: Bus,
    private readonly followers: LogFollowers,
    /** A publication failed (the bus keeps or drops it; the store has the entry). */
    private readonly publishFailed: (error: unknown) => void,
  ) {}

  /**
   * Resolves once the entry is durable and the followers have it (a ban made here applies to the
   * very next post); its publication follows at once.
   */
  async append(item: AppendItem): Promise<AppendResult> {
    if (!tracingOn()) return this.appended(item, await this.committer.append(item));
    return inSpan('log.commit', { 'lc.event_id': item.eventId }, async (span) => {
      const result = await this.committer.append(item, (size) => span?.setAttribute('lc.batch_size', size));
      if ('entry' in result) {
        span?.setAttribute('lc.seq', result.entry.seq);
        rememberEntry(item.eventId, result.entry.seq);
      }
      return this.appended(item, result);
    });
  }

  private appended(item: AppendItem, result: AppendResult): AppendResult {
    if ('entry' in result) {
      this.followers.deliver(item.eventId, [result.entry]);
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
    await Promise.all(
      batches.map(([eventId, entries]) => {
        entries.sort((a, b) => a.seq - b.seq);
        const trace = tracingOn()
          ? tracePublish(
              eventId,
              entries.map((e) => e.seq),
            )
          : undefined;
        return this.bus.publish(eventId, entries, trace).catch((error: unknown) => this.publishFailed(error));
      }),
    );
  }
}
