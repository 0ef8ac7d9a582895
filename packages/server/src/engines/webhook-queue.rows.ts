// The rows of the webhook tables and their mapping, for both SQL stores (an integer is a number
// from better-sqlite3 and a bigint's text from `pg`; `data` is JSON text or parsed `jsonb`).
import type { Delivery, OutboxItem, WebhookType } from './webhook-queue.js';

type Int = number | string;

/** A row of `webhook_outbox`. */
export interface OutboxRow {
  id: Int;
  event_id: string;
  type: WebhookType;
  data: unknown;
  created_at: Int;
}

/** A row of `webhook_deliveries`. */
export interface DeliveryRow {
  id: Int;
  webhook_id: string;
  event_id: string;
  type: WebhookType;
  url: string;
  source: 'node' | 'event';
  body: string;
  created_at: Int;
  attempts: Int;
  last_error: string | null;
}

/** An outbox row as the queue hands it out. */
export function outboxFromRow(row: OutboxRow): OutboxItem {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    type: row.type,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    createdAt: Number(row.created_at),
  };
}

/** A delivery row as the queue hands it out. */
export function deliveryFromRow(row: DeliveryRow): Delivery {
  const d: Delivery = {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventId: row.event_id,
    type: row.type,
    url: row.url,
    source: row.source,
    body: row.body,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
  };
  if (row.last_error !== null) d.lastError = row.last_error;
  return d;
}
