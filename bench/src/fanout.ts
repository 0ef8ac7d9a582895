// The fan-out run (and the sweep): viewers open, the poster posts at a rate, every second is
// sampled (latency percentiles, deliveries, loss, server and load CPU), then the totals.
import { Histogram } from './histogram.js';
import { nchanEventIds } from './nchan.js';
import type { Options } from './options.js';
import { cpuPercent, loadAverage, type ProcSample, sampleProc } from './proc.js';
import type { Second } from './report.js';
import { Rig, type RigSample } from './rig.js';
import { call, createEvents, lastSeqs, metrics, type ServerUnderTest, serviceToken } from './server.js';

const METRICS = ['lc_delivery_frames_total', 'lc_delivery_entries_total', 'lc_delivery_batches_total'];

/** The totals of one measured stretch. */
export interface StageResult {
  rate: number;
  postedPerSecond: number;
  deliveredPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  ackMs: { p50: number; p99: number };
  /** Entries a viewer never got: gaps seen plus what was missing after the drain. */
  loss: number;
  duplicates: number;
  disorder: number;
  postErrors: number;
  posterSkipped: number;
  serverCpuPercent: number;
  /** Server CPU time per million delivered comments: the cost that contention on a shared machine does not hide. */
  serverCpuSecondsPerMillion: number | null;
  serverRssMB: number;
  /** Bytes the viewers read off their sockets per comment delivered (frame headers, pings included). */
  wireBytesPerDelivery: number | null;
  /** Share of the frames that came compressed (permessage-deflate). */
  compressedFrameShare: number | null;
  loadCpuPercent: number;
  framesPerEntry: number | null;
  flushesPerSecond: number | null;
  saturated: string[];
  closed: number;
  closeReasons: Record<string, number>;
  /** Reactions accepted per second, refused, and frames of their counts per viewer per second. */
  reactionsPerSecond: number;
  reactionErrors: number;
  reactionFramesPerViewerSecond: number | null;
  /** Sampled runs (`--sample-rate`): comments each viewer got a second, and the priority ones' share. */
  sampled?: {
    rate: number;
    commentsPerViewerSecond: number | null;
    prioritySent: number;
    priorityDeliveredShare: number | null;
  };
  pass: boolean;
}

/** Shared state of a fan-out run. */
export class FanoutRun {
  readonly timeline: Second[] = [];
  private rig = new Rig();
  private eventIds: string[] = [];
  private t = 0;
  private lastProc: ProcSample | null = null;
  private loadCpus: number;
  opened = { open: 0, failed: 0 };
  /** Sampled runs: the events' owner posts one priority comment a second; all must reach everyone. */
  private priority = { sent: 0, delivered: 0, timer: undefined as NodeJS.Timeout | undefined };

  constructor(
    private readonly server: ServerUnderTest,
    private readonly o: Options,
  ) {
    this.loadCpus = Math.max(1, cpuCount(o.loadCpus));
  }

  async setUp(): Promise<void> {
    const nchan = this.server.kind === 'nchan';
    // Nchan has no tokens and makes a channel on its first message.
    const token = nchan ? '' : await serviceToken(this.server.url, this.o.token);
    // On a sampled tier the owner's comments are priority: the events get an owner of their own,
    // so the poster's comments are ordinary ones.
    const owner = this.o.sampleRate
      ? (await call<{ token: string }>(this.server.url, 'POST', '/v1/dev/tokens', { name: 'owner', role: 'service' }))
          .token
      : token;
    this.eventIds = nchan ? nchanEventIds(this.o.events) : await createEvents(this.server.url, owner, this.o.events);
    this.log(`opening ${this.o.viewers} ${this.o.transport} viewers over ${this.o.events} event(s)...`);
    this.opened = await this.rig.openViewers({
      host: this.server.host,
      port: this.server.port,
      eventIds: this.eventIds,
      viewers: this.o.viewers,
      transport: this.o.transport,
      workers: this.o.workers,
      sampleRate: this.o.sampleRate,
      server: this.server.kind,
      deflate: this.o.deflate,
    });
    const first = await this.rig.sample();
    this.log(`open: ${this.opened.open}, failed: ${this.opened.failed} ${JSON.stringify(first.closeReasons)}`);
    await this.rig.startPoster({
      host: this.server.host,
      port: this.server.port,
      token,
      eventIds: this.eventIds,
      rate: this.o.rate,
      size: this.o.size,
      text: this.o.text,
      via: this.o.post,
      connections: this.o.post === 'ws' ? Math.max(this.o.posterConnections, 1) : this.o.posterConnections,
      depth: this.o.depth,
      reactions: this.o.reactions,
      reactVia: this.o.reactVia,
      server: this.server.kind,
    });
    this.lastProc = this.server.pid ? sampleProc(this.server.pid) : null;
    if (this.o.sampleRate) {
      const post = () => {
        const eventId = this.eventIds[this.priority.sent % this.eventIds.length]!;
        this.priority.sent++;
        call(
          this.server.url,
          'POST',
          `/v1/events/${eventId}/comments`,
          { text: `priority ${this.priority.sent}` },
          owner,
        ).catch(() => this.priority.sent--);
      };
      this.priority.timer = setInterval(post, 1000);
    }
  }

  /** Runs `warmup` then `duration` seconds at `rate`; then drains and checks for loss. */
  async stage(rate: number, warmup: number, duration: number): Promise<StageResult> {
    this.rig.setRate(rate);
    for (let i = 0; i < warmup; i++) await this.second('warmup', rate);
    const before = await this.metrics();
    const measured: { s: Second; raw: RigSample; cpu: number; rss: number }[] = [];
    for (let i = 0; i < duration; i++) measured.push(await this.second('measure', rate));
    const after = await this.metrics();
    this.rig.setRate(0.000001);
    const drain = await this.drain();
    return this.summarise(rate, measured, before, after, drain);
  }

  /** Waits until every viewer has every entry (up to 10 s); returns the entries still missing. */
  private async drain(): Promise<{ missing: number; behind: number }> {
    if (this.o.sampleRate) {
      // A sample never reaches every seq: wait (up to 20 s) for the last priority comments to
      // reach every viewer, and count no lag.
      clearInterval(this.priority.timer);
      const until = Date.now() + 20_000;
      do await this.second('drain', 0);
      while (this.priority.delivered < this.priority.sent * this.opened.open && Date.now() < until);
      return { missing: 0, behind: 0 };
    }
    const until = Date.now() + 10_000;
    let lag = { behind: 0, missing: 0 };
    await new Promise((r) => setTimeout(r, 300));
    const heads = await this.heads();
    for (;;) {
      lag = await this.rig.lag(heads);
      if (lag.missing === 0 || Date.now() > until) break;
      await this.second('drain', 0);
    }
    await this.rig.sample();
    return lag;
  }

  /** The server's delivery counters (Nchan has none of ours). */
  private metrics(): Promise<Record<string, number>> {
    return this.server.kind === 'nchan' ? Promise.resolve({}) : metrics(this.server.url, METRICS);
  }

  /** The events' last seqs: from the server, or from the poster that numbered Nchan's entries. */
  private async heads(): Promise<number[]> {
    if (this.server.kind !== 'nchan') return lastSeqs(this.server.url, this.eventIds);
    return (await this.rig.sample()).poster?.heads ?? [];
  }

  private async second(phase: string, rate: number): Promise<{ s: Second; raw: RigSample; cpu: number; rss: number }> {
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const raw = await this.rig.sample();
    this.priority.delivered += raw.priority;
    const elapsed = (Date.now() - started) / 1000;
    const proc = this.server.pid ? sampleProc(this.server.pid) : null;
    const cpu = cpuPercent(this.lastProc, proc);
    this.lastProc = proc;
    const rss = proc ? proc.rssBytes / 2 ** 20 : Number.NaN;
    this.t++;
    const s: Second = {
      t: this.t,
      phase,
      rate,
      delivered: raw.delivered / elapsed,
      p50: raw.latency.quantile(0.5) / 1000,
      p90: raw.latency.quantile(0.9) / 1000,
      p99: raw.latency.quantile(0.99) / 1000,
      max: raw.latency.max / 1000,
      gaps: raw.gaps,
      duplicates: raw.duplicates,
      serverCpu: cpu,
      serverRssMB: rss,
      loadCpu: raw.loadCpuMicros / 1e4 / elapsed,
    };
    this.timeline.push(s);
    if (!this.o.quiet) {
      const p = raw.poster;
      this.log(
        `${String(this.t).padStart(4)}s ${phase.padEnd(7)} posted ${fmt(p?.acked ?? 0)}/s  delivered ${fmt(s.delivered)}/s  ` +
          `p50 ${ms(s.p50)} p99 ${ms(s.p99)} max ${ms(s.max)}  gaps ${raw.gaps} dup ${raw.duplicates}  ` +
          `open ${raw.open}  server ${s.serverCpu.toFixed(0)}% ${rss.toFixed(0)} MB  load ${s.loadCpu.toFixed(0)}%` +
          (p && p.reactionsAccepted + p.reactionErrors > 0
            ? `  reactions ${fmt(p.reactionsAccepted)}/s (${raw.reactionFrames} frames${p.reactionErrors ? `, ${p.reactionErrors} refused` : ''})`
            : '') +
          (p && p.errors > 0 ? `  post errors ${p.errors} (${p.lastError})` : '') +
          (p && p.skipped > 0 ? `  poster behind ${p.skipped}` : ''),
      );
    }
    return { s, raw, cpu, rss };
  }

  private summarise(
    rate: number,
    measured: { s: Second; raw: RigSample; cpu: number; rss: number }[],
    before: Record<string, number>,
    after: Record<string, number>,
    drain: { missing: number },
  ): StageResult {
    const latency = new Histogram();
    const ack = new Histogram();
    let delivered = 0;
    let gaps = 0;
    let duplicates = 0;
    let disorder = 0;
    let acked = 0;
    let postErrors = 0;
    let skipped = 0;
    let loadCpu = 0;
    let closed = 0;
    let reactionsAccepted = 0;
    let reactionErrors = 0;
    let reactionFrames = 0;
    let wireBytes = 0;
    let frameCount = 0;
    let compressedFrames = 0;
    const closeReasons: Record<string, number> = {};
    for (const { raw } of measured) {
      latency.add(raw.latency);
      delivered += raw.delivered;
      gaps += raw.gaps;
      duplicates += raw.duplicates;
      disorder += raw.disorder;
      loadCpu += raw.loadCpuMicros;
      closed += raw.closed;
      reactionFrames += raw.reactionFrames;
      wireBytes += raw.wireBytes;
      frameCount += raw.frames;
      compressedFrames += raw.compressedFrames;
      for (const [k, v] of Object.entries(raw.closeReasons)) closeReasons[k] = (closeReasons[k] ?? 0) + v;
      if (raw.poster) {
        ack.add(raw.poster.ack);
        acked += raw.poster.acked;
        postErrors += raw.poster.errors;
        skipped += raw.poster.skipped;
        reactionsAccepted += raw.poster.reactionsAccepted;
        reactionErrors += raw.poster.reactionErrors;
      }
    }
    const n = measured.length;
    const frames = (after.lc_delivery_frames_total ?? 0) - (before.lc_delivery_frames_total ?? 0);
    const entries = (after.lc_delivery_entries_total ?? 0) - (before.lc_delivery_entries_total ?? 0);
    const batches = (after.lc_delivery_batches_total ?? 0) - (before.lc_delivery_batches_total ?? 0);
    const loadCpuPercent = loadCpu / 1e4 / n;
    const serverCpuPercent = avg(measured.map((m) => m.cpu));
    const saturated: string[] = [];
    if (loadCpuPercent > 90 * this.loadCpus) {
      saturated.push(`the load generator used ${loadCpuPercent.toFixed(0)}% CPU: it may be measuring itself`);
    }
    if (skipped > 0) saturated.push(`the poster fell behind by ${skipped} posts`);
    const loss = gaps + drain.missing;
    const q = (h: Histogram, x: number) => round(h.quantile(x) / 1000);
    const result: StageResult = {
      rate,
      postedPerSecond: round(acked / n),
      deliveredPerSecond: Math.round(delivered / n),
      latencyMs: {
        p50: q(latency, 0.5),
        p90: q(latency, 0.9),
        p99: q(latency, 0.99),
        p999: q(latency, 0.999),
        max: round(latency.max / 1000),
      },
      ackMs: { p50: q(ack, 0.5), p99: q(ack, 0.99) },
      loss,
      duplicates,
      disorder,
      postErrors,
      posterSkipped: skipped,
      serverCpuPercent: round(serverCpuPercent),
      serverCpuSecondsPerMillion: delivered > 0 ? round(((serverCpuPercent / 100) * n * 1e6) / delivered, 3) : null,
      serverRssMB: round(Math.max(...measured.map((m) => m.rss))),
      wireBytesPerDelivery: delivered > 0 ? round(wireBytes / delivered, 1) : null,
      compressedFrameShare: frameCount > 0 ? round(compressedFrames / frameCount, 3) : null,
      loadCpuPercent: round(loadCpuPercent),
      framesPerEntry: entries > 0 ? round(frames / entries, 4) : null,
      flushesPerSecond: batches > 0 ? round(batches / n) : null,
      saturated,
      closed,
      closeReasons,
      reactionsPerSecond: round(reactionsAccepted / n),
      reactionErrors,
      reactionFramesPerViewerSecond: this.opened.open > 0 ? round(reactionFrames / n / this.opened.open, 3) : null,
      ...(this.o.sampleRate
        ? {
            sampled: {
              rate: this.o.sampleRate,
              commentsPerViewerSecond: this.opened.open > 0 ? round(delivered / n / this.opened.open) : null,
              prioritySent: this.priority.sent,
              priorityDeliveredShare:
                this.priority.sent > 0
                  ? round(this.priority.delivered / (this.priority.sent * this.opened.open), 4)
                  : null,
            },
          }
        : {}),
      pass: false,
    };
    result.pass =
      loss === 0 &&
      duplicates === 0 &&
      postErrors === 0 &&
      skipped === 0 &&
      closed === 0 &&
      result.latencyMs.p99 <= this.o.targetP99;
    return result;
  }

  /** The run's fixed facts, for the result file. */
  facts(): Record<string, unknown> {
    return {
      loadavg: loadAverage(),
      viewersOpen: this.opened.open,
      viewersFailed: this.opened.failed,
      events: this.eventIds.length,
    };
  }

  close(): void {
    clearInterval(this.priority.timer);
    this.rig.close();
  }

  private log(line: string): void {
    if (!this.o.quiet) process.stderr.write(`${line}\n`);
  }
}

/** A single fan-out run: warm-up, measure, totals. */
export async function runFanout(
  server: ServerUnderTest,
  o: Options,
): Promise<{ result: Record<string, unknown>; timeline: Second[] }> {
  const run = new FanoutRun(server, o);
  try {
    await run.setUp();
    const stage = await run.stage(o.rate, o.warmup, o.duration);
    return { result: { ...run.facts(), ...stage }, timeline: run.timeline };
  } finally {
    run.close();
  }
}

/** Raises the rate until a stage fails; the highest passing stage is the sustained rate. */
export async function runSweep(
  server: ServerUnderTest,
  o: Options,
): Promise<{ result: Record<string, unknown>; timeline: Second[] }> {
  const run = new FanoutRun(server, o);
  const stages: StageResult[] = [];
  try {
    await run.setUp();
    let rate = o.rate;
    for (;;) {
      const stage = await run.stage(rate, Math.min(o.warmup, 3), o.duration);
      stages.push(stage);
      process.stderr.write(
        `sweep: ${rate}/s -> delivered ${fmt(stage.deliveredPerSecond)}/s p99 ${stage.latencyMs.p99} ms loss ${stage.loss} ` +
          `${stage.pass ? 'PASS' : 'FAIL'}${stage.saturated.length ? ` (${stage.saturated.join('; ')})` : ''}\n`,
      );
      if (!stage.pass || rate >= o.maxRate) break;
      rate = Math.min(o.maxRate, Math.ceil(rate * o.step));
    }
    const best = [...stages].reverse().find((s) => s.pass) ?? null;
    return {
      result: {
        ...run.facts(),
        sustainedRate: best?.rate ?? 0,
        sustainedDeliveredPerSecond: best?.deliveredPerSecond ?? 0,
        sustainedP99Ms: best?.latencyMs.p99 ?? null,
        stages,
      },
      timeline: run.timeline,
    };
  } finally {
    run.close();
  }
}

function cpuCount(list: string): number {
  if (!list) return 1;
  return list.split(',').reduce((n, part) => {
    const [a, b] = part.split('-').map(Number);
    return n + (b === undefined ? 1 : b! - a! + 1);
  }, 0);
}

function avg(xs: number[]): number {
  const ok = xs.filter(Number.isFinite);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : Number.NaN;
}

function round(x: number, digits = 2): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}

/** 1234567 -> "1.23M". */
export function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function ms(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(1)}ms` : '-';
}
