// A load process hosting many viewers. It opens them, accounts every delivered comment (latency,
// duplicates, gaps by seq per viewer) and answers the main process's report requests.

import { Histogram } from './histogram.js';
import type { FromHost, HostPlan, HostReport, ToHost, Transport } from './protocol.js';
import { FrameCache, type FrameInfo, nowUs } from './scan.js';

/** How an owner's comment (a priority comment of every tier) reads on the wire. */
const OWNER = Buffer.from('"badges":["owner"');

import { type FrameSink, inflateCache, PollClient, SseClient, type Target, WsClient } from './wire.js';

/** One viewer: where it stands in its event's log. */
class Viewer implements FrameSink {
  lastSeq = 0;
  isOpen = false;
  client: { close(): void; readonly socket: { readonly bytesRead: number } } | null = null;
  /** Socket bytes read up to the last report. */
  bytesRead = 0;

  constructor(
    readonly event: number,
    private readonly host: ViewerHost,
  ) {}

  frame(buf: Buffer, start: number, end: number): void {
    this.host.onFrame(this, buf, start, end);
  }

  opened(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.host.onOpen(this);
  }

  closed(why: string): void {
    this.host.onClosed(this, why);
  }
}

/** The viewers of this process and their counters. */
export class ViewerHost {
  readonly viewers: Viewer[] = [];
  private readonly cache = new FrameCache();
  private readonly hist = new Histogram();
  private counters = {
    delivered: 0,
    duplicates: 0,
    gaps: 0,
    disorder: 0,
    frames: 0,
    bytes: 0,
    closed: 0,
    reactionFrames: 0,
    priority: 0,
  };
  private closeReasons: Record<string, number> = {};
  private open = 0;
  private failed = 0;
  private cpu = process.cpuUsage();
  private accounting = true;
  private waitingOpen: (() => void) | null = null;
  private inFlight = 0;
  private compressedBefore = 0;

  constructor(private readonly plan: HostPlan) {
    this.accounting = !plan.idle;
  }

  /** Opens every viewer, `concurrency` handshakes at a time. */
  async openAll(): Promise<{ open: number; failed: number }> {
    const target: Target = {
      host: this.plan.host,
      port: this.plan.port,
      ...(this.plan.localAddress ? { localAddress: this.plan.localAddress } : {}),
    };
    for (const spec of this.plan.viewers) {
      while (this.inFlight >= this.plan.concurrency) await new Promise<void>((r) => (this.waitingOpen = r));
      const viewer = new Viewer(spec.event, this);
      this.viewers.push(viewer);
      const id = this.plan.eventIds[spec.event]!;
      this.inFlight++;
      viewer.client = this.connect(target, viewer, spec.transport, id);
    }
    while (this.inFlight > 0) await new Promise<void>((r) => (this.waitingOpen = r));
    return { open: this.open, failed: this.failed };
  }

  /** Opens a viewer's connection on the paths of the server under test. */
  private connect(target: Target, viewer: Viewer, transport: Transport, id: string): NonNullable<Viewer['client']> {
    if (this.plan.server === 'nchan') {
      // One location for both: Nchan tells them apart by the Upgrade and Accept headers.
      if (transport === 'ws') return new WsClient(target, `/sub/${id}`, viewer, this.plan.deflate);
      if (transport === 'sse') return new SseClient(target, `/sub/${id}`, viewer);
      throw new Error(`the nchan target has no ${transport} viewers`);
    }
    const tier = this.plan.sampleRate ? `&rate=${this.plan.sampleRate}` : '';
    if (transport === 'ws')
      return new WsClient(target, `/v1/events/${id}/ws?after=0${tier}`, viewer, this.plan.deflate);
    if (transport === 'sse') return new SseClient(target, `/v1/events/${id}/stream?after=0`, viewer);
    return new PollClient(
      target,
      (after) => `/v1/events/${id}/poll?after=${after}&timeoutMs=25000`,
      () => viewer.lastSeq,
      viewer,
    );
  }

  onOpen(_viewer: Viewer): void {
    this.open++;
    this.settled();
  }

  onClosed(viewer: Viewer, why: string): void {
    const reason = why.replace(/:\d+$/, '');
    this.closeReasons[reason] = (this.closeReasons[reason] ?? 0) + 1;
    if (viewer.isOpen) {
      this.open--;
      this.counters.closed++;
    } else {
      this.failed++;
      this.settled();
    }
  }

  private settled(): void {
    this.inFlight--;
    const wake = this.waitingOpen;
    this.waitingOpen = null;
    wake?.();
  }

  /** Accounts one frame: the hot path of the load generator. */
  onFrame(viewer: Viewer, buf: Buffer, start: number, end: number): void {
    const c = this.counters;
    c.frames++;
    c.bytes += end - start;
    if (!this.accounting) return;
    const info = this.cache.get(viewer.event, buf, start, end);
    if (!info) {
      if (isReactions(buf, start, end)) c.reactionFrames++;
      return;
    }
    const last = viewer.lastSeq;
    if (this.plan.sampleRate) {
      this.onSampled(viewer, info, buf, start, end);
      return;
    }
    if (info.last <= last) {
      c.duplicates += info.count;
      return;
    }
    let from = info.first;
    if (from <= last) {
      c.duplicates += last - from + 1;
      from = last + 1;
    } else if (from > last + 1) {
      c.gaps += from - last - 1;
    }
    if (!info.consecutive) c.disorder++;
    const now = nowUs();
    const stamps = info.stamps;
    const base = info.first;
    const hist = this.hist;
    for (let seq = from; seq <= info.last; seq++) {
      const sent = stamps[seq - base]!;
      if (!Number.isNaN(sent)) hist.record(now - sent);
    }
    c.delivered += info.last - from + 1;
    viewer.lastSeq = info.last;
  }

  /**
   * A frame of a sampled tier: its entries are a sample, so seqs skip by design. Counts what came
   * (every entry's latency), duplicates by seq, and the owner's comments (priority: all must come).
   */
  private onSampled(viewer: Viewer, info: FrameInfo, buf: Buffer, start: number, end: number): void {
    const c = this.counters;
    if (info.last <= viewer.lastSeq) {
      c.duplicates += info.count;
      return;
    }
    const now = nowUs();
    for (let i = 0; i < info.count; i++) {
      const sent = info.stamps[i]!;
      if (!Number.isNaN(sent)) this.hist.record(now - sent);
    }
    c.delivered += info.count;
    for (let at = buf.indexOf(OWNER, start); at >= 0 && at < end; at = buf.indexOf(OWNER, at + OWNER.length)) {
      c.priority++;
    }
    viewer.lastSeq = info.last;
  }

  report(): HostReport {
    const cpu = process.cpuUsage();
    let wireBytes = 0;
    for (const v of this.viewers) {
      const read = v.client?.socket.bytesRead ?? v.bytesRead;
      wireBytes += read - v.bytesRead;
      v.bytesRead = read;
    }
    const report: HostReport = {
      type: 'report',
      open: this.open,
      failed: this.failed,
      ...this.counters,
      wireBytes,
      compressedFrames: inflateCache.compressed - this.compressedBefore,
      hist: this.hist.toSparse(),
      max: this.hist.max,
      cpuMicros: cpu.user + cpu.system - this.cpu.user - this.cpu.system,
      closeReasons: this.closeReasons,
    };
    this.cpu = cpu;
    this.compressedBefore = inflateCache.compressed;
    this.hist.reset();
    this.counters = {
      delivered: 0,
      duplicates: 0,
      gaps: 0,
      disorder: 0,
      frames: 0,
      bytes: 0,
      closed: 0,
      reactionFrames: 0,
      priority: 0,
    };
    this.closeReasons = {};
    return report;
  }

  /** How many viewers have not reached their event's head, and by how many entries in all. */
  lag(heads: number[]): { behind: number; missing: number } {
    let behind = 0;
    let missing = 0;
    for (const v of this.viewers) {
      const head = heads[v.event] ?? 0;
      if (v.lastSeq < head) {
        behind++;
        missing += head - v.lastSeq;
      }
    }
    return { behind, missing };
  }

  stop(): void {
    for (const v of this.viewers) v.client?.close();
  }
}

const WS_REACTIONS = Buffer.from('{"type":"reactions"');
const SSE_REACTIONS = Buffer.from('event: reactions');
const POLL_REACTIONS = Buffer.from('"reactions":');

/** Whether a frame without entries is a window of reaction counts (any transport). */
function isReactions(buf: Buffer, start: number, end: number): boolean {
  const at = (prefix: Buffer) => buf.subarray(start, Math.min(end, start + prefix.length)).equals(prefix);
  if (at(WS_REACTIONS) || at(SSE_REACTIONS)) return true;
  const i = buf.indexOf(POLL_REACTIONS, start);
  return i >= 0 && i < end;
}

/** Runs as a child process of the bench: takes a plan, answers reports. */
function main(): void {
  let host: ViewerHost | null = null;
  const send = (message: FromHost) => process.send?.(message);
  process.on('message', async (message: ToHost) => {
    switch (message.type) {
      case 'plan': {
        host = new ViewerHost(message.plan);
        const result = await host.openAll();
        send({ type: 'opened', ...result });
        break;
      }
      case 'report':
        if (host) send(host.report());
        break;
      case 'lag':
        if (host) send({ type: 'lag', ...host.lag(message.heads) });
        break;
      case 'stop':
        host?.stop();
        process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
