// The webhook outbox as the store keeps it: notifications written in the same transaction as the
// change they report, then expanded into one delivery per destination, each retried until it
// is delivered or dead. The sender is webhooks/dispatcher.ts; the SQL lives with each store.

/** The notification types (docs/API.md "Webhooks"). */
export type WebhookType =
  | 'comment.published'
  | 'comment.held'
  | 'comment.rejected'
  | 'comment.deleted'
  | 'user.banned'
  | 'event.ended'
  | 'moderation.action';

/** A webhook of one event, from its settings. */
export interface EventWebhook {
  url: string;
  secret: string;
}

/** A notification written by a store transaction, not yet expanded into deliveries. */
export interface OutboxItem {
  /** The store's row id (ascending in commit order on one store). */
  id: number;
  eventId: string;
  type: WebhookType;
  data: unknown;
  createdAt: number;
}

/** One delivery to make: the body is fixed once, so every retry sends the same bytes and id. */
export interface NewDelivery {
  /** The outbox row it comes from. */
  outboxId: number;
  /** The notification's `id` in the body, the same for every destination and retry. */
  webhookId: string;
  eventId: string;
  type: WebhookType;
  url: string;
  /** `node` (LC_WEBHOOK_URL, signed with LC_WEBHOOK_SECRET) or `event` (settings.webhooks). */
  source: 'node' | 'event';
  body: string;
  createdAt: number;
}

/** A delivery as the queue hands it out. */
export interface Delivery extends Omit<NewDelivery, 'outboxId'> {
  id: number;
  attempts: number;
  lastError?: string;
}

/** How an attempt ended: delivered (the row goes), retry at a time, or dead (kept for the view). */
export type DeliveryOutcome = { delivered: true } | { retryAt: number; error: string } | { dead: true; error: string };

/** Counts for /metrics. */
export interface WebhookCounts {
  /** Notifications not yet expanded. */
  outbox: number;
  /** Deliveries waiting for their (next) attempt. */
  pending: number;
  dead: number;
}

/**
 * The durable webhook queue of a store. Guarantees: a notification is in the outbox exactly when
 * the change it reports is committed (same transaction); `expand` turns each outbox row into its
 * deliveries once, even with several nodes expanding at once; `claim` hands a due delivery to one
 * caller at a time for `leaseMs` (a caller that dies lets the lease run out and another takes it),
 * so deliveries are at least once and not multiplied by the number of nodes.
 */
export interface WebhookQueue {
  /** Outbox rows, oldest first, at most `limit`. */
  readOutbox(limit: number): Promise<OutboxItem[]>;
  /**
   * Removes the given outbox rows and adds the deliveries of those it removed, in one
   * transaction; rows already removed (by another node) add nothing. Returns the rows removed.
   */
  expandOutbox(outboxIds: number[], deliveries: NewDelivery[]): Promise<number>;
  /** Due pending deliveries (oldest due first), leased to the caller until `now + leaseMs`. */
  claimDeliveries(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** Records how an attempt ended. */
  settleDelivery(id: number, outcome: DeliveryOutcome): Promise<void>;
  /** Dead deliveries, newest first. */
  listDeadDeliveries(limit: number): Promise<Delivery[]>;
  /** Makes dead deliveries (these ids, or all) pending again, due now, attempts reset; returns how many. */
  requeueDead(ids: number[] | 'all', now: number): Promise<number>;
  webhookCounts(): Promise<WebhookCounts>;
}

/** What a `comment.held` notification carries: the comment and why it was held. */
export function heldData(held: {
  comment: { seq: number | null } & Record<string, unknown>;
  reasons?: string[];
}): Record<string, unknown> {
  const { seq: _seq, ...comment } = held.comment;
  return { comment, reasons: held.reasons ?? [] };
}

/** What a `moderation.action` notification carries: the moderation log entry without its event. */
export function modActionData(a: {
  eventId: string;
  action: string;
  actorId: string;
  at: number;
  targetId?: string;
  reason?: string;
  text?: string;
  details?: Record<string, unknown>;
}): Record<string, unknown> {
  const { eventId: _eventId, ...rest } = a;
  return rest;
}

/** What a `user.banned` notification carries. */
export function banData(b: {
  userId: string;
  until: number | null;
  reason?: string;
  by: string;
  createdAt: number;
}): Record<string, unknown> {
  const data: Record<string, unknown> = { userId: b.userId, until: b.until, by: b.by };
  if (b.reason !== undefined) data.reason = b.reason;
  return data;
}
