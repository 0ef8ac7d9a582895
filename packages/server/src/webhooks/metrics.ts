// The webhook figures on /metrics: attempts by outcome, and the queue's depth read from the store.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebhookQueue } from '../engines/webhook-queue.js';

/** Registers the webhook metrics; returns the counter the sender reports its attempts to. */
export function webhookMetrics(registry: Registry, queue: Pick<WebhookQueue, 'webhookCounts'>) {
  new Gauge({
    name: 'lc_webhook_queue',
    help: 'Webhook notifications not yet expanded (outbox), deliveries waiting for an attempt or a retry (pending), dead letters (dead)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.webhookCounts().catch(() => null);
      if (!counts) return;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  return new Counter({
    name: 'lc_webhook_attempts_total',
    help: 'Webhook delivery attempts, by outcome: delivered, failed (retried later), dead',
    labelNames: ['outcome'],
    registers: [registry],
  });
}
