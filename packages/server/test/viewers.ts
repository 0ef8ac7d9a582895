// Test viewers on each transport. A viewer follows one event from seq 0, checks that every entry
// is the next seq (no gap, no duplicate, in order), and when its connection ends it resumes with
// `after=<last seq>` on the next node of its list, as a client behind a load balancer would.
import type { Entry } from '@livecomments/protocol';
import WebSocket from 'ws';

/** The transports of docs/API.md. */
export type Transport = 'ws' | 'sse' | 'poll';

/** Every transport. */
export const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

/** A following viewer and what it saw. */
export interface Viewer {
  readonly transport: Transport;
  /** Seqs in the order received (after the checks, so contiguous from 1). */
  readonly seqs: number[];
  /** Entries that broke the order: a duplicate, a gap or a step back. */
  readonly anomalies: string[];
  /** Connections opened so far (1 + reconnects). */
  connects: number;
  /** The node index it is connected to now. */
  node: number;
  last(): number;
  close(): void;
}

/** Options of a viewer. */
export interface ViewerOptions {
  /** Index in `urls` of the first node; later connections go round the list. */
  start?: number;
  /** Pause before reconnecting. */
  retryMs?: number;
}

/** Opens a viewer of `eventId` on `urls[start]`, following from seq 0. */
export function openViewer(transport: Transport, urls: string[], eventId: string, opts: ViewerOptions = {}): Viewer {
  const state = new ViewerState(transport, urls, eventId, opts);
  state.connect();
  return state;
}

class ViewerState implements Viewer {
  readonly seqs: number[] = [];
  readonly anomalies: string[] = [];
  connects = 0;
  node: number;
  private closed = false;
  private stopCurrent: (() => void) | null = null;
  private readonly retryMs: number;

  constructor(
    readonly transport: Transport,
    private readonly urls: string[],
    private readonly eventId: string,
    opts: ViewerOptions,
  ) {
    this.node = opts.start ?? 0;
    this.retryMs = opts.retryMs ?? 100;
  }

  last(): number {
    return this.seqs.at(-1) ?? 0;
  }

  close(): void {
    this.closed = true;
    this.stopCurrent?.();
  }

  connect(): void {
    if (this.closed) return;
    this.connects += 1;
    const base = `${this.urls[this.node]}/v1/events/${this.eventId}`;
    const after = this.last();
    if (this.transport === 'ws') this.openWs(base, after);
    else if (this.transport === 'sse') void this.openSse(base, after);
    else void this.poll(base);
  }

  /** The connection ended: try the next node after a pause. */
  private reconnect(): void {
    this.stopCurrent = null;
    if (this.closed) return;
    this.node = (this.node + 1) % this.urls.length;
    setTimeout(() => this.connect(), this.retryMs);
  }

  private accept(items: Entry[]): void {
    for (const entry of items) {
      const expected = this.last() + 1;
      if (entry.seq === expected) this.seqs.push(entry.seq);
      else this.anomalies.push(`${this.transport}: got seq ${entry.seq}, expected ${expected}`);
    }
  }

  private openWs(base: string, after: number): void {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?after=${after}`);
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      this.reconnect();
    };
    this.stopCurrent = () => {
      done = true;
      ws.terminate();
    };
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; items?: Entry[] };
      if (frame.type === 'entries' && frame.items) this.accept(frame.items);
      else if (frame.type === 'reset') this.anomalies.push(`ws: reset ${String(data)}`);
    });
    ws.on('close', end);
    ws.on('error', end);
  }

  private async openSse(base: string, after: number): Promise<void> {
    const abort = new AbortController();
    this.stopCurrent = () => abort.abort();
    try {
      const res = await fetch(`${base}/stream?after=${after}`, { signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`sse ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          this.onSseEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // A refused or cut connection: resume elsewhere.
    }
    if (!abort.signal.aborted) this.reconnect();
  }

  private onSseEvent(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event === 'entries') this.accept((JSON.parse(data.join('\n')) as { items: Entry[] }).items);
    else if (event === 'reset') this.anomalies.push(`sse: reset ${data.join('\n')}`);
  }

  private async poll(base: string): Promise<void> {
    const abort = new AbortController();
    this.stopCurrent = () => abort.abort();
    try {
      while (!this.closed) {
        const res = await fetch(`${base}/poll?after=${this.last()}&timeoutMs=5000`, { signal: abort.signal });
        if (!res.ok) throw new Error(`poll ${res.status}`);
        const page = (await res.json()) as { items: Entry[]; reset?: boolean };
        if (page.reset) this.anomalies.push('poll: reset');
        this.accept(page.items);
      }
    } catch {
      // As for SSE.
    }
    if (!abort.signal.aborted) this.reconnect();
  }
}

/** `[1, 2, ..., n]`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** A viewer of each transport starting on each of the nodes `starts` (indices into `urls`). */
export function openViewers(urls: string[], eventId: string, starts = [0, 1, 2]): Viewer[] {
  return TRANSPORTS.flatMap((t) => starts.map((start) => openViewer(t, urls, eventId, { start })));
}
