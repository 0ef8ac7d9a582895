// Presence across the worker processes of one machine (LC_WORKERS without REDIS_URL): each
// worker's counts are kept by the primary process, which forgets a worker's counts when it exits.
import type { WorkerLink } from './ipc-link.js';
import type { Presence } from './presence.js';

/** Viewer counts kept by the primary process. */
export class IpcPresence implements Presence {
  /** Events this worker reported viewers of (a close takes them back). */
  private readonly reported = new Set<string>();

  constructor(private readonly link: WorkerLink) {}

  async report(eventId: string, viewers: number): Promise<void> {
    if (viewers > 0) this.reported.add(eventId);
    else this.reported.delete(eventId);
    await this.link.call('report', [eventId, viewers]);
  }

  async count(eventId: string): Promise<number> {
    return (await this.link.call('count', [eventId])) as number;
  }

  async close(): Promise<void> {
    const events = [...this.reported];
    this.reported.clear();
    await Promise.all(events.map((eventId) => this.link.call('report', [eventId, 0]).catch(() => {})));
  }
}
