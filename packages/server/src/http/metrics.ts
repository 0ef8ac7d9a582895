import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Bus } from '../engines/bus.js';
import type { Store } from '../engines/store.js';

/** The node's Prometheus metrics, in a registry of its own (several nodes can share a process). */
export class Metrics {
  readonly registry = new Registry();
  readonly comments = new Counter({
    name: 'lc_comments_total',
    help: 'Comments posted, by outcome (published, held, or the refusal code)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly batches = new Counter({
    name: 'lc_delivery_batches_total',
    help: 'Batches flushed by the hub',
    registers: [this.registry],
  });
  readonly frames = new Counter({
    name: 'lc_delivery_frames_total',
    help: 'Frames written to subscribers',
    registers: [this.registry],
  });
  readonly entries = new Counter({
    name: 'lc_delivery_entries_total',
    help: 'Entries delivered to subscribers (entries x subscribers)',
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'lc_delivery_encoded_bytes_total',
    help: 'Bytes encoded for delivery (once per batch and wire format)',
    registers: [this.registry],
  });
  readonly flush = new Histogram({
    name: 'lc_flush_seconds',
    help: 'Time to write one batch to every subscriber of an event',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'lc_delivery_latency_seconds',
    help: "From a comment's acceptance (its createdAt, on the node that took it) to its write to this node's viewers",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commit = new Histogram({
    name: 'lc_store_commit_seconds',
    help: 'Time of one group commit to the store',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitSize = new Histogram({
    name: 'lc_store_commit_items',
    help: 'Entries per group commit',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly slow = new Counter({
    name: 'lc_slow_cutoffs_total',
    help: 'Subscribers cut off because their socket did not drain',
    registers: [this.registry],
  });
  readonly steppedDown = new Counter({
    name: 'lc_slow_step_downs_total',
    help: 'Slow subscribers stepped down to a sampled tier instead of cut off',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'lc_background_errors_total',
    help: 'Failures in background work, by place',
    labelNames: ['where'],
    registers: [this.registry],
  });

  readonly hookSeconds = new Histogram({
    name: 'lc_moderation_hook_seconds',
    help: "Time of one answered request to the operator's classifier (LC_MODERATION_URL)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly hookBatch = new Histogram({
    name: 'lc_moderation_hook_batch_comments',
    help: 'Comments per answered classifier request',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly hookFailures = new Counter({
    name: 'lc_moderation_hook_failures_total',
    help: 'Comments the classifier gave no scores for, by why (timeout, error, overload)',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly proxySeconds = new Histogram({
    name: 'lc_proxy_seconds',
    help: "Time of one call to the app's connect or post proxy (failures included; not calls refused as overload)",
    labelNames: ['proxy'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly proxyCalls = new Counter({
    name: 'lc_proxy_calls_total',
    help: "Calls to the app's proxies, by proxy and outcome (allow, anonymous, deny, timeout, error, overload)",
    labelNames: ['proxy', 'outcome'],
    registers: [this.registry],
  });
  readonly proxyLookups = new Counter({
    name: 'lc_proxy_cache_lookups_total',
    help: 'Connect proxy look-ups, by result (hit: a kept answer, shared: joined a call in flight, miss: a call)',
    labelNames: ['result'],
    registers: [this.registry],
  });

  constructor(connections: () => Readonly<Record<string, number>>) {
    new Gauge({
      name: 'lc_connections',
      help: 'Open subscriber connections, by transport',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        const counts = connections();
        this.set({ transport: 'websocket' }, counts.ws ?? 0);
        this.set({ transport: 'sse' }, counts.sse ?? 0);
        this.set({ transport: 'long_poll' }, counts.poll ?? 0);
      },
    });
    // The event-loop delay monitor samples on a timer of its own: every 10 ms by default, which
    // wakes an idle node 100 times a second. Ten samples a second still show every stall.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }
}

/**
 * Gauges read from the engines at each scrape: whether the store and the bus answer (as `/ready`
 * asks them, within 2 s), and the review queues' depth (held comments of every event).
 */
export function engineMetrics(
  registry: Registry,
  engines: { store: Pick<Store, 'ping' | 'heldCount'>; bus: Pick<Bus, 'ping'> },
): void {
  new Gauge({
    name: 'lc_engine_up',
    help: 'Whether the store and the bus answer a ping within 2 s (1) or not (0), by engine',
    labelNames: ['engine'],
    registers: [registry],
    async collect() {
      const [store, bus] = await Promise.all([answers(engines.store.ping()), answers(engines.bus.ping())]);
      this.set({ engine: 'store' }, store ? 1 : 0);
      this.set({ engine: 'bus' }, bus ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lc_held_comments',
    help: 'Comments held for review in every event (the review queues), read from the store',
    registers: [registry],
    async collect() {
      const n = await withTimeout(engines.store.heldCount(), 2000).catch(() => null);
      if (n !== null) this.set(n);
    },
  });
}

function answers(ping: Promise<void>): Promise<boolean> {
  return withTimeout(ping, 2000).then(
    () => true,
    () => false,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
