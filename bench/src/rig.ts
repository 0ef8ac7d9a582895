// The load rig: viewer host processes and the poster process, driven over IPC by the main process.
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.js';
import type {
  FromHost,
  FromPoster,
  HostLag,
  HostPlan,
  HostReport,
  PosterPlan,
  PosterReport,
  ServerKind,
  Transport,
} from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A child process answering requests in order, one reply type per request. */
class Child<In extends { type: string }> {
  readonly proc: ChildProcess;
  private readonly waiting = new Map<string, ((m: In) => void)[]>();
  exited = false;

  constructor(script: string) {
    this.proc = fork(join(here, script), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.proc.on('message', (m: In) => this.waiting.get(m.type)?.shift()?.(m));
    this.proc.on('exit', () => {
      this.exited = true;
    });
  }

  ask<T extends In>(message: unknown, reply: T['type'], timeoutMs = 600_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new Error('load process exited'));
      const list = this.waiting.get(reply) ?? [];
      this.waiting.set(reply, list);
      const timer = setTimeout(() => reject(new Error(`no ${reply} from a load process in time`)), timeoutMs);
      list.push((m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      this.proc.send(message as object);
    });
  }

  tell(message: unknown): void {
    if (!this.exited) this.proc.send(message as object);
  }

  kill(): void {
    if (!this.exited) this.proc.kill();
  }
}

/** The viewer hosts' counters that add up across hosts. */
const COUNTS = [
  'open',
  'failed',
  'closed',
  'delivered',
  'duplicates',
  'gaps',
  'disorder',
  'frames',
  'bytes',
  'wireBytes',
  'compressedFrames',
  'reactionFrames',
  'priority',
] as const;

/** What the rig measured over one report interval, all load processes together. */
export interface RigSample extends Pick<HostReport, (typeof COUNTS)[number] | 'closeReasons'> {
  latency: Histogram;
  loadCpuMicros: number;
  poster: {
    sent: number;
    acked: number;
    errors: number;
    skipped: number;
    ack: Histogram;
    lastError: string;
    reactionsAccepted: number;
    reactionErrors: number;
    reactionsSkipped: number;
    heads: number[];
  } | null;
}

/** Spreads viewers over transports: `mix` gives ws, sse and poll in turn. */
export function transportOf(kind: string, i: number): Transport {
  if (kind === 'mix') return (['ws', 'sse', 'poll'] as const)[i % 3]!;
  return kind as Transport;
}

/** The viewer hosts and the poster of one run. */
export class Rig {
  private readonly hosts: Child<FromHost>[] = [];
  private poster: Child<FromPoster> | null = null;
  private readonly mainCpu = process.cpuUsage();
  private lastMainCpu = process.cpuUsage();

  /** Opens `viewers` viewers over `workers` processes; resolves with how many opened. */
  async openViewers(options: {
    host: string;
    port: number;
    eventIds: string[];
    viewers: number;
    transport: string;
    workers: number;
    idle?: boolean;
    sampleRate?: number;
    server?: ServerKind;
    deflate?: boolean;
  }): Promise<{ open: number; failed: number }> {
    // Idle runs on loopback open tens of thousands of connections: each process from its own address.
    const loopback = options.idle === true && options.host.startsWith('127.');
    const plans: HostPlan[] = Array.from({ length: options.workers }, (_, i) => ({
      host: options.host,
      port: options.port,
      ...(loopback ? { localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` } : {}),
      eventIds: options.eventIds,
      viewers: [],
      concurrency: 64,
      idle: options.idle ?? false,
      sampleRate: options.sampleRate ?? 0,
      server: options.server ?? 'livecomments',
      deflate: options.deflate ?? false,
    }));
    for (let i = 0; i < options.viewers; i++) {
      plans[i % options.workers]!.viewers.push({
        event: i % options.eventIds.length,
        transport: transportOf(options.transport, i),
      });
    }
    const results = await Promise.all(
      plans.map((plan) => {
        const host = new Child<FromHost>('viewer-host.js');
        this.hosts.push(host);
        // Ten minutes, or 30 ms a connection for big idle runs on a loaded machine.
        const timeoutMs = Math.max(600_000, options.viewers * 30);
        return host.ask<Extract<FromHost, { type: 'opened' }>>({ type: 'plan', plan }, 'opened', timeoutMs);
      }),
    );
    return {
      open: results.reduce((n, r) => n + r.open, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
    };
  }

  /** Starts the poster (it posts at once at the planned rate). */
  async startPoster(plan: PosterPlan): Promise<void> {
    this.poster = new Child<FromPoster>('poster.js');
    await this.poster.ask({ type: 'plan', plan }, 'ready');
  }

  setRate(rate: number): void {
    this.poster?.tell({ type: 'rate', rate });
  }

  /** Stops posting; returns the poster's last counters. */
  async stopPoster(): Promise<PosterReport | null> {
    if (!this.poster) return null;
    const last = await this.poster.ask<PosterReport>({ type: 'stop' }, 'report');
    this.poster = null;
    return last;
  }

  /** Counters of every load process since the previous sample. */
  async sample(): Promise<RigSample> {
    const [reports, posted] = await Promise.all([
      Promise.all(this.hosts.map((h) => h.ask<HostReport>({ type: 'report' }, 'report'))),
      this.poster ? this.poster.ask<PosterReport>({ type: 'report' }, 'report') : Promise.resolve(null),
    ]);
    const latency = new Histogram();
    const out: RigSample = {
      ...(Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>),
      latency,
      loadCpuMicros: 0,
      closeReasons: {},
      poster: null,
    };
    for (const r of reports) {
      for (const k of COUNTS) out[k] += r[k];
      out.loadCpuMicros += r.cpuMicros;
      latency.add(Histogram.fromSparse(r.hist, r.max));
      for (const [k, v] of Object.entries(r.closeReasons)) out.closeReasons[k] = (out.closeReasons[k] ?? 0) + v;
    }
    if (posted) out.poster = posterSample(posted);
    if (posted) out.loadCpuMicros += posted.cpuMicros;
    const mine = process.cpuUsage();
    out.loadCpuMicros += mine.user + mine.system - this.lastMainCpu.user - this.lastMainCpu.system;
    this.lastMainCpu = mine;
    return out;
  }

  /** How many viewers lag behind the given heads of the events, and by how many entries. */
  async lag(heads: number[]): Promise<{ behind: number; missing: number }> {
    const lags = await Promise.all(this.hosts.map((h) => h.ask<HostLag>({ type: 'lag', heads }, 'lag')));
    return {
      behind: lags.reduce((n, l) => n + l.behind, 0),
      missing: lags.reduce((n, l) => n + l.missing, 0),
    };
  }

  /** CPU seconds of the main process over the run (for the record). */
  mainCpuSeconds(): number {
    const now = process.cpuUsage(this.mainCpu);
    return (now.user + now.system) / 1e6;
  }

  close(): void {
    for (const h of this.hosts) {
      h.tell({ type: 'stop' });
      setTimeout(() => h.kill(), 2000).unref();
    }
    this.poster?.tell({ type: 'stop' });
    const poster = this.poster;
    if (poster) setTimeout(() => poster.kill(), 2000).unref();
  }
}

/** The poster's counters with its histogram rebuilt. */
export function posterSample(r: PosterReport): NonNullable<RigSample['poster']> {
  return {
    sent: r.sent,
    acked: r.acked,
    errors: r.errors,
    skipped: r.skipped,
    ack: Histogram.fromSparse(r.hist, r.max),
    lastError: r.lastError,
    reactionsAccepted: r.reactionsAccepted,
    reactionErrors: r.reactionErrors,
    reactionsSkipped: r.reactionsSkipped,
    heads: r.heads,
  };
}
