// The webhook sender: expands the store's outbox into deliveries and sends them, retrying with
// backoff until each is delivered or dead. Every node runs one; the store's claims keep nodes
// from sending the same delivery at once (engines/webhook-queue.ts).
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/auth.js';
import type { Delivery, EventWebhook, NewDelivery, OutboxItem, WebhookQueue } from '../engines/webhook-queue.js';
import { errors } from '../util/errors.js';
import { type Attempt, postWebhook } from './send.js';
import { SIGNATURE_HEADER, signature } from './sign.js';
import { eventWebhookRefusal } from './targets.js';

/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = 3_600_000;
/** Outbox rows expanded per store call, and deliveries claimed (and sent at once) per round. */
const BATCH = 50;

/** What the sender needs to know. */
export interface DispatcherOptions {
  /** The node's own webhooks (trusted: the operator's). */
  nodeUrls: string[];
  nodeSecret?: string;
  /** Events' webhooks may target private addresses. */
  allowPrivate: boolean;
  retryMs: number;
  maxAttempts: number;
  pollMs: number;
  timeoutMs: number;
}

/** What it reports. */
export interface DispatcherHooks {
  /** An attempt ended: delivered, failed (to be retried) or dead. */
  attempted(outcome: 'delivered' | 'failed' | 'dead'): void;
  /** A background failure (the store is away): logged and counted; the next round retries. */
  error(error: unknown, where: string): void;
}

/**
 * Sends webhooks, at least once each. The outbox rows come from the store's transactions, the
 * deliveries are rows of the store too: a node killed at any point leaves them there, and the
 * next round (of this node after a restart, or of another) sends them. A delivery claimed by a
 * node that died is sent again once its lease (the request timeout and a margin) runs out.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  private readonly aborter = new AbortController();

  constructor(
    private readonly queue: WebhookQueue,
    /** The webhooks in an event's settings now (none when the event is gone). */
    private readonly eventWebhooks: (eventId: string) => Promise<EventWebhook[]>,
    private readonly options: DispatcherOptions,
    private readonly hooks: DispatcherHooks,
  ) {}

  /** Starts the rounds. */
  start(): void {
    this.schedule(0);
  }

  /** Stops: no new round; attempts under way are cut (their leases run out and they are sent again). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.aborter.abort();
    await this.round;
  }

  /** The dead letters, newest first (admins only): what failed every attempt, with the last error. */
  async deadLetters(actor: Principal, limit: number): Promise<Delivery[]> {
    if (actor.role !== 'admin') throw errors.forbidden('only an admin may read the dead letters');
    return this.queue.listDeadDeliveries(limit);
  }

  /** Sends dead letters again (these ids, or all), as new deliveries with the same id and body (admins only). */
  async requeue(actor: Principal, ids: number[] | 'all'): Promise<number> {
    if (actor.role !== 'admin') throw errors.forbidden('only an admin may re-queue dead letters');
    return this.queue.requeueDead(ids, Date.now());
  }

  /** One round: everything in the outbox expanded, then every due delivery attempted. */
  async runOnce(): Promise<void> {
    for (let i = 0; i < 100 && !this.stopped; i++) {
      const rows = await this.queue.readOutbox(BATCH);
      if (rows.length === 0) break;
      await this.queue.expandOutbox(
        rows.map((r) => r.id),
        await this.expand(rows),
      );
    }
    for (let i = 0; i < 100 && !this.stopped; i++) {
      const due = await this.queue.claimDeliveries(Date.now(), BATCH, this.options.timeoutMs + 5_000);
      if (due.length === 0) break;
      await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runOnce()
        .catch((error: unknown) => this.hooks.error(error, 'webhooks'))
        .finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  /** The deliveries of outbox rows: one per destination, each with the same body and id. */
  private async expand(rows: OutboxItem[]): Promise<NewDelivery[]> {
    const out: NewDelivery[] = [];
    const perEvent = new Map<string, EventWebhook[]>();
    for (const row of rows) {
      let hooks = perEvent.get(row.eventId);
      if (!hooks) {
        hooks = await this.eventWebhooks(row.eventId);
        perEvent.set(row.eventId, hooks);
      }
      const webhookId = `wh_${randomUUID()}`;
      const body = JSON.stringify({
        id: webhookId,
        type: row.type,
        createdAt: row.createdAt,
        eventId: row.eventId,
        data: row.data,
      });
      const base = {
        outboxId: row.id,
        webhookId,
        eventId: row.eventId,
        type: row.type,
        body,
        createdAt: row.createdAt,
      };
      for (const url of this.options.nodeUrls) out.push({ ...base, url, source: 'node' });
      for (const hook of hooks) {
        if (eventWebhookRefusal(hook.url, this.options.allowPrivate) !== null) continue;
        out.push({ ...base, url: hook.url, source: 'event' });
      }
    }
    return out;
  }

  private async attempt(d: Delivery): Promise<void> {
    const secret = await this.secretOf(d);
    let result: Attempt;
    if (secret === null) {
      result = { error: 'the event no longer has this webhook, or it is not allowed' };
    } else {
      const t = Date.now();
      result = await postWebhook(d.url, d.body, {
        headers: { [SIGNATURE_HEADER]: signature(secret, d.body, t), 'X-Livecomments-Id': d.webhookId },
        timeoutMs: this.options.timeoutMs,
        publicOnly: d.source === 'event' && !this.options.allowPrivate,
        signal: this.aborter.signal,
      });
    }
    // A node stopping leaves the attempt unsettled: its lease runs out and it is sent again.
    if (this.stopped) return;
    if ('status' in result && result.status >= 200 && result.status < 300) {
      await this.queue.settleDelivery(d.id, { delivered: true });
      this.hooks.attempted('delivered');
      return;
    }
    const error = 'status' in result ? `HTTP ${result.status}` : result.error;
    if (secret === null || d.attempts + 1 >= this.options.maxAttempts) {
      await this.queue.settleDelivery(d.id, { dead: true, error });
      this.hooks.attempted('dead');
      return;
    }
    await this.queue.settleDelivery(d.id, { retryAt: Date.now() + this.backoff(d.attempts), error });
    this.hooks.attempted('failed');
  }

  /** The key that signs a delivery: the node's, or the event webhook's as its settings have it now. */
  private async secretOf(d: Delivery): Promise<string | null> {
    if (d.source === 'node') return this.options.nodeSecret ?? null;
    if (eventWebhookRefusal(d.url, this.options.allowPrivate) !== null) return null;
    const hook = (await this.eventWebhooks(d.eventId)).find((h) => h.url === d.url);
    return hook?.secret ?? null;
  }

  /** Exponential, from `retryMs`, with a fifth of jitter so that retries of one outage spread out. */
  private backoff(failures: number): number {
    const base = Math.min(MAX_BACKOFF_MS, this.options.retryMs * 2 ** Math.min(failures, 30));
    return Math.round(base * (0.8 + 0.4 * Math.random()));
  }
}
